/**
 * Calendar dates with no time zone attached (a "civil" date such as 2025-11-27). Arithmetic runs
 * on the proleptic Gregorian calendar through UTC, where every day has 24 hours.
 */
export interface CivilDate {
  readonly year: number
  /** 1..12 */
  readonly month: number
  /** 1..31 */
  readonly day: number
}

export const Weekday = {
  sunday: 0,
  monday: 1,
  tuesday: 2,
  wednesday: 3,
  thursday: 4,
  friday: 5,
  saturday: 6,
} as const
export type Weekday = (typeof Weekday)[keyof typeof Weekday]

const DAY_MS = 86_400_000

export function civilDate(year: number, month: number, day: number): CivilDate {
  return fromUtc(Date.UTC(year, month - 1, day))
}

function fromUtc(ms: number): CivilDate {
  const date = new Date(ms)
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() }
}

function toUtc(date: CivilDate): number {
  return Date.UTC(date.year, date.month - 1, date.day)
}

export function addDays(date: CivilDate, days: number): CivilDate {
  return fromUtc(toUtc(date) + days * DAY_MS)
}

export function weekdayOf(date: CivilDate): Weekday {
  return new Date(toUtc(date)).getUTCDay() as Weekday
}

export function isWeekend(date: CivilDate): boolean {
  const weekday = weekdayOf(date)
  return weekday === Weekday.saturday || weekday === Weekday.sunday
}

/** `YYYY-MM-DD`: a date's identity, usable as a map key. */
export function isoDate(date: CivilDate): string {
  const pad = (n: number, width: number) => String(n).padStart(width, '0')
  return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`
}

/** The `n`th (1-based) `weekday` of a month, e.g. the third Monday of January. */
export function nthWeekday(year: number, month: number, weekday: Weekday, n: number): CivilDate {
  const first = civilDate(year, month, 1)
  const offset = (weekday - weekdayOf(first) + 7) % 7
  return addDays(first, offset + (n - 1) * 7)
}

/** The last `weekday` of a month, e.g. the last Monday of May. */
export function lastWeekday(year: number, month: number, weekday: Weekday): CivilDate {
  const last = addDays(civilDate(year, month + 1, 1), -1)
  return addDays(last, -((weekdayOf(last) - weekday + 7) % 7))
}

/** Western (Gregorian) Easter Sunday: the anonymous computus (Meeus/Jones/Butcher). */
export function easterSunday(year: number): CivilDate {
  const a = year % 19
  const b = Math.floor(year / 100)
  const c = year % 100
  const d = Math.floor(b / 4)
  const e = b % 4
  const f = Math.floor((b + 8) / 25)
  const g = Math.floor((b - f + 1) / 3)
  const h = (19 * a + b - d - g + 15) % 30
  const i = Math.floor(c / 4)
  const k = c % 4
  const l = (32 + 2 * e + 2 * i - h - k) % 7
  const m = Math.floor((a + 11 * h + 22 * l) / 451)
  const month = Math.floor((h + l - 7 * m + 114) / 31)
  const day = ((h + l - 7 * m + 114) % 31) + 1
  return civilDate(year, month, day)
}
