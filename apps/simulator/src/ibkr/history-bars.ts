import { type Candle, candleOf } from '../market/candles'
import type { EquityMarket } from '../market/equities'
import { type Session, sessionAt } from '../market/new-york'

const MINUTE_MS = 60_000
const HOUR_MS = 60 * MINUTE_MS
const DAY_MS = 24 * HOUR_MS
/** A session opens at 09:30 New York; its local midnight is this long before. */
const OPEN_AFTER_MIDNIGHT_MS = 9 * HOUR_MS + 30 * MINUTE_MS

/** `bar` values the gateway takes that the simulator serves: minutes, hours, and the day. */
const BAR_UNITS: Readonly<Record<string, { ms: number; counts: readonly number[] }>> = {
  min: { ms: MINUTE_MS, counts: [1, 2, 3, 5, 10, 15, 30] },
  h: { ms: HOUR_MS, counts: [1, 2, 3, 4, 8] },
  d: { ms: DAY_MS, counts: [1] },
}

/** `period` units: minutes, hours, days, weeks, months (30 days) and years (365 days). */
const PERIOD_UNITS: Readonly<Record<string, { ms: number; max: number }>> = {
  min: { ms: MINUTE_MS, max: 30 },
  h: { ms: HOUR_MS, max: 8 },
  d: { ms: DAY_MS, max: 1000 },
  w: { ms: 7 * DAY_MS, max: 792 },
  m: { ms: 30 * DAY_MS, max: 182 },
  y: { ms: 365 * DAY_MS, max: 15 },
}

function parseSpan(raw: string): { count: number; unit: string } | null {
  const match = /^(\d{1,4})(min|h|d|w|m|y)$/.exec(raw)
  return match ? { count: Number(match[1]), unit: match[2] as string } : null
}

/** A bar length in ms, or null for one the simulator does not serve. */
export function barLengthMs(bar: string): number | null {
  const span = parseSpan(bar)
  const unit = span ? BAR_UNITS[span.unit] : undefined
  return span && unit?.counts.includes(span.count) ? span.count * unit.ms : null
}

/** A period in ms, or null when it is not `{n}{min|h|d|w|m|y}` within the gateway's limits. */
export function periodMs(period: string): number | null {
  const span = parseSpan(period)
  const unit = span ? PERIOD_UNITS[span.unit] : undefined
  return span && unit && span.count >= 1 && span.count <= unit.max ? span.count * unit.ms : null
}

/**
 * Where a session's bars start. Intraday bars sit on the New York clock's grid (hours from
 * midnight), so the first one is short: 1 h bars are 09:30, 10:00, 11:00, ... 15:00, as the
 * gateway draws regular-hours charts. A day bar is the whole session.
 */
function barStarts(session: Session, lengthMs: number): number[] {
  if (lengthMs >= DAY_MS) return [session.open]
  const midnight = session.open - OPEN_AFTER_MIDNIGHT_MS
  const starts = [session.open]
  let next = midnight + (Math.floor(OPEN_AFTER_MIDNIGHT_MS / lengthMs) + 1) * lengthMs
  for (; next < session.close; next += lengthMs) starts.push(next)
  return starts
}

/** The regular sessions that end after `from`, oldest first, up to the one containing `until`. */
function sessionsSince(from: number, until: number): Session[] {
  const sessions: Session[] = []
  for (
    let session = sessionAt(until);
    session.close > from;
    session = sessionAt(session.open - 1)
  ) {
    sessions.unshift(session)
  }
  return sessions
}

/**
 * The bars of one stock over `periodMs` back from its last trading instant (now during a
 * session, else the last close), regular hours only: each bar from the stock's price path, the
 * one still open closing at the current price. Bars that start in the future are not drawn.
 */
export function historyBars(
  equities: EquityMarket,
  symbol: string,
  window: { periodMs: number; barMs: number; now: number },
): Candle[] {
  const { periodMs: period, barMs, now } = window
  const last = sessionAt(now)
  const anchor = Math.min(now, last.close)
  const from = anchor - period
  const priceAt = (ms: number) => equities.priceAt(symbol, ms)
  const bars: Candle[] = []
  for (const session of sessionsSince(from, anchor)) {
    const starts = barStarts(session, barMs)
    starts.forEach((start, i) => {
      if (start < from || start > now) return
      const end = starts[i + 1] ?? session.close
      bars.push(candleOf(priceAt, equities.tickMs, start, end, now))
    })
  }
  return bars
}
