import type { MarketCalendar, SessionState } from './calendar'
import { addDays, type CivilDate } from './civil-date'
import { type NyseDay, nyseDay } from './nyse'
import { instantAt, wallClockAt } from './zoned-time'

export const US_EQUITIES_TIME_ZONE = 'America/New_York'

const HOUR_MS = 3_600_000
const at = (hours: number, minutes = 0) => hours * HOUR_MS + minutes * 60_000

/**
 * Session boundaries in New York wall time. On early-close days the regular session ends at 13:00
 * and late trading at 17:00, as NYSE Arca runs it (late trading keeps its four hours).
 */
const SESSION = {
  preOpen: at(4),
  open: at(9, 30),
  close: { full: at(16), early: at(13) },
  postClose: { full: at(20), early: at(17) },
} as const

/** A trading day is never followed by more than four closed days; the margin is for safety. */
const MAX_CLOSED_RUN = 10

type TradingDay = NyseDay & { kind: 'full' | 'early-close' }

function isTradingDay(day: NyseDay): day is TradingDay {
  return day.kind === 'full' || day.kind === 'early-close'
}

function hoursOf(day: TradingDay) {
  const length = day.kind === 'early-close' ? 'early' : 'full'
  return {
    preOpen: SESSION.preOpen,
    open: SESSION.open,
    close: SESSION.close[length],
    postClose: SESSION.postClose[length],
  }
}

function nextTradingDay(after: CivilDate): TradingDay {
  for (let i = 1; i <= MAX_CLOSED_RUN; i++) {
    const day = nyseDay(addDays(after, i))
    if (isTradingDay(day)) return day
  }
  throw new Error(
    `no NYSE trading day within ${MAX_CLOSED_RUN} days after ${JSON.stringify(after)}`,
  )
}

const iso = (ms: number) => new Date(ms).toISOString()

/**
 * NYSE and Nasdaq: pre-market 04:00–09:30, regular 09:30–16:00, post-market 16:00–20:00 New York
 * time on trading days, closed otherwise. `next_open` / `next_close` are the next regular session
 * start and end after now, skipping weekends and holidays.
 */
export const usEquitiesCalendar: MarketCalendar = (now): SessionState => {
  const zone = US_EQUITIES_TIME_ZONE
  const { date, msOfDay } = wallClockAt(now, zone)
  const today = nyseDay(date)
  const midnight = instantAt(addDays(date, 1), 0, zone)

  if (!isTradingDay(today)) {
    const next = nextTradingDay(date)
    return {
      status: 'closed',
      is_open: false,
      timezone: zone,
      next_open: iso(instantAt(next.date, hoursOf(next).open, zone)),
      next_close: iso(instantAt(next.date, hoursOf(next).close, zone)),
      reason: today.kind === 'weekend' ? 'weekend' : `holiday: ${today.name}`,
      changesAt: midnight,
    }
  }

  const hours = hoursOf(today)
  const status =
    msOfDay < hours.preOpen
      ? 'closed'
      : msOfDay < hours.open
        ? 'pre-market'
        : msOfDay < hours.close
          ? 'open'
          : msOfDay < hours.postClose
            ? 'post-market'
            : 'closed'
  const next = nextTradingDay(date)
  const openDay = msOfDay < hours.open ? today : next
  const closeDay = msOfDay < hours.close ? today : next
  const boundary = [hours.preOpen, hours.open, hours.close, hours.postClose].find(
    (ms) => ms > msOfDay,
  )
  return {
    status,
    is_open: status === 'open',
    timezone: zone,
    next_open: iso(instantAt(openDay.date, hoursOf(openDay).open, zone)),
    next_close: iso(instantAt(closeDay.date, hoursOf(closeDay).close, zone)),
    reason: today.kind === 'early-close' ? `early close: ${today.name}` : null,
    changesAt: boundary === undefined ? midnight : instantAt(date, boundary, zone),
  }
}
