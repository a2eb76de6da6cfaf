/**
 * New York wall-clock time, for US equity sessions and option expiries (16:00 ET). Uses the
 * runtime's time-zone data, so daylight saving moves the UTC times the way it does for NYSE.
 */

const FORMAT = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
})

/** A New York calendar date and time; `month` is 1-based, `weekday` 0 = Sunday. */
export interface WallClock {
  readonly year: number
  readonly month: number
  readonly day: number
  readonly hour: number
  readonly minute: number
  readonly weekday: number
}

const HOUR_MS = 3_600_000
const DAY_MS = 86_400_000

export function newYorkClock(ms: number): WallClock {
  const local = new Date(ms + offsetAt(ms))
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    weekday: local.getUTCDay(),
  }
}

/** The UTC instant of a New York wall-clock time (the earlier one when a DST change repeats it). */
export function newYorkToUtc(year: number, month: number, day: number, hour: number, minute = 0) {
  const wall = Date.UTC(year, month - 1, day, hour, minute)
  // Two passes settle the offset even when the first guess lands across a DST change.
  let utc = wall - offsetAt(wall)
  utc = wall - offsetAt(utc)
  return utc
}

// Offsets change only on the hour (DST moves at 02:00 local), so one lookup per UTC hour is
// exact; Intl formatting is far too slow to run for every option price.
const offsetsByHour = new Map<number, number>()
const MAX_CACHED_HOURS = 100_000

/** New York's offset from UTC at `ms`, in ms (e.g. -5 h in winter). */
function offsetAt(ms: number): number {
  const hour = Math.floor(ms / HOUR_MS)
  const cached = offsetsByHour.get(hour)
  if (cached !== undefined) return cached
  const parts: Record<string, number> = {}
  for (const part of FORMAT.formatToParts(hour * HOUR_MS)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value)
  }
  const asUtc = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
  )
  const offset = asUtc - hour * HOUR_MS
  if (offsetsByHour.size >= MAX_CACHED_HOURS) offsetsByHour.clear()
  offsetsByHour.set(hour, offset)
  return offset
}

/** One regular NYSE session, 09:30 to 16:00 New York time. */
export interface Session {
  readonly open: number
  readonly close: number
}

/**
 * The regular session containing `ms`, or else the last one before it. Weekends are closed;
 * exchange holidays are not modelled (every weekday trades).
 */
export function sessionAt(ms: number): Session {
  const now = newYorkClock(ms)
  const minutes = now.hour * 60 + now.minute
  const startedToday = now.weekday >= 1 && now.weekday <= 5 && minutes >= 9 * 60 + 30
  for (let back = startedToday ? 0 : 1; back <= 7; back++) {
    const date = new Date(Date.UTC(now.year, now.month - 1, now.day) - back * DAY_MS)
    const weekday = date.getUTCDay()
    if (weekday === 0 || weekday === 6) continue
    const [y, m, d] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()]
    return { open: newYorkToUtc(y, m, d, 9, 30), close: newYorkToUtc(y, m, d, 16) }
  }
  throw new Error('no weekday in the last week')
}

export function isSessionOpen(ms: number): boolean {
  return ms < sessionAt(ms).close
}
