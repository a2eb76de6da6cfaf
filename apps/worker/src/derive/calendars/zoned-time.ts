import { type CivilDate, civilDate } from './civil-date'

/** A wall clock reading in some zone: the local date and the milliseconds since local midnight. */
export interface WallClock {
  date: CivilDate
  msOfDay: number
}

const HOUR_MS = 3_600_000
const MINUTE_MS = 60_000

// Intl formatters are costly to build and immutable: one per zone is enough.
const formatters = new Map<string, Intl.DateTimeFormat>()

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone)
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      // h23, not hour12: false, which some engines render as "24" at midnight.
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formatters.set(timeZone, formatter)
  }
  return formatter
}

/** The wall clock in `timeZone` at instant `ms`; DST comes from the runtime's time zone data. */
export function wallClockAt(ms: number, timeZone: string): WallClock {
  const fields: Record<string, number> = {}
  for (const part of formatterFor(timeZone).formatToParts(ms)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value)
  }
  const field = (name: string) => fields[name] ?? Number.NaN
  const millis = ((ms % 1000) + 1000) % 1000
  return {
    date: civilDate(field('year'), field('month'), field('day')),
    msOfDay:
      field('hour') * HOUR_MS + field('minute') * MINUTE_MS + field('second') * 1000 + millis,
  }
}

/** How far `timeZone`'s wall clock is ahead of UTC at instant `ms`. */
function offsetAt(ms: number, timeZone: string): number {
  const { date, msOfDay } = wallClockAt(ms, timeZone)
  return Date.UTC(date.year, date.month - 1, date.day) + msOfDay - ms
}

/**
 * The instant at which `timeZone`'s wall clock reads `msOfDay` on `date`. Wall times that a DST
 * change skips or repeats (02:00–03:00 in New York) resolve to one of the candidates; sessions
 * never start or end there.
 */
export function instantAt(date: CivilDate, msOfDay: number, timeZone: string): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day) + msOfDay
  const first = offsetAt(wall, timeZone)
  const guess = wall - first
  const second = offsetAt(guess, timeZone)
  return second === first ? guess : wall - second
}
