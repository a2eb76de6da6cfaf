import { newYorkClock, newYorkToUtc } from '../market/new-york'

export const ExpiryKind = {
  daily: 'daily',
  weekly: 'weekly',
  monthly: 'monthly',
  quarterly: 'quarterly',
} as const
export type ExpiryKind = (typeof ExpiryKind)[keyof typeof ExpiryKind]

export interface Expiry {
  /** Expiry instant (ms): 08:00 UTC for crypto, 16:00 New York for equities. */
  readonly at: number
  /** When two calendars land on one date, the longer-lived kind names it. */
  readonly kind: ExpiryKind
  /** When the expiry was listed; its strikes are laid out around the spot at that time. */
  readonly listedAt: number
}

/** Month codes as both venues print them (`27DEC24`, `DEC24`). */
export const MONTH_CODES = [
  'JAN',
  'FEB',
  'MAR',
  'APR',
  'MAY',
  'JUN',
  'JUL',
  'AUG',
  'SEP',
  'OCT',
  'NOV',
  'DEC',
] as const

const DAY_MS = 86_400_000
const FRIDAY = 5

/**
 * How long before expiry each kind is listed. Each is longer than the calendar looks ahead, so
 * every live expiry was listed in the past and its strikes never change while it lives.
 */
const LISTING_LEAD_MS: Record<ExpiryKind, number> = {
  daily: 3 * DAY_MS,
  weekly: 35 * DAY_MS,
  monthly: 100 * DAY_MS,
  quarterly: 290 * DAY_MS,
}

const RANK: Record<ExpiryKind, number> = { daily: 0, weekly: 1, monthly: 2, quarterly: 3 }

/**
 * Bybit-style crypto expiries after `now`, all at 08:00 UTC: the next 3 days, the next 4
 * Fridays, the last Friday of the next 3 months, and the next 3 quarter-end months' last Fridays.
 */
export function cryptoExpiries(now: number): Expiry[] {
  const today = new Date(now)
  const [y, m, d] = [today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()]
  const at8 = (year: number, month: number, day: number) => Date.UTC(year, month, day, 8)
  const days = (k: number) => at8(y, m, d + k)
  const lastFriday = (k: number) => at8(y, m + k, lastFridayOfMonth(y, m + k))
  return merge([
    take(3, days, (at) => at > now, ExpiryKind.daily),
    take(4, days, (at) => at > now && new Date(at).getUTCDay() === FRIDAY, ExpiryKind.weekly),
    take(3, lastFriday, (at) => at > now, ExpiryKind.monthly),
    take(3, lastFriday, (at) => at > now && isQuarterMonth(at), ExpiryKind.quarterly),
  ])
}

/**
 * US equity expiries after `now`, all at 16:00 New York: the next 4 Fridays and the third
 * Friday of the next 3 months. Exchange holidays are not modelled.
 */
export function equityExpiries(now: number): Expiry[] {
  const { year, month, day } = newYorkClock(now)
  const atClose = (utcDate: number) => {
    const date = new Date(utcDate)
    return newYorkToUtc(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), 16)
  }
  const days = (k: number) => atClose(Date.UTC(year, month - 1, day + k))
  const thirdFriday = (k: number) => {
    const first = new Date(Date.UTC(year, month - 1 + k, 1)).getUTCDay()
    return atClose(Date.UTC(year, month - 1 + k, 1 + ((FRIDAY - first + 7) % 7) + 14))
  }
  const isFriday = (at: number) => newYorkClock(at).weekday === FRIDAY
  return merge([
    take(4, days, (at) => at > now && isFriday(at), ExpiryKind.weekly),
    take(3, thirdFriday, (at) => at > now, ExpiryKind.monthly),
  ])
}

/** March, June, September, December. */
function isQuarterMonth(at: number): boolean {
  return new Date(at).getUTCMonth() % 3 === 2
}

function lastFridayOfMonth(year: number, month: number): number {
  const last = new Date(Date.UTC(year, month + 1, 0))
  return last.getUTCDate() - ((last.getUTCDay() - FRIDAY + 7) % 7)
}

/** The first `count` values of `candidate(0), candidate(1), ...` that pass `keep`. */
function take(
  count: number,
  candidate: (k: number) => number,
  keep: (at: number) => boolean,
  kind: ExpiryKind,
): Expiry[] {
  const found: Expiry[] = []
  for (let k = 0; found.length < count && k < 2_000; k++) {
    const at = candidate(k)
    if (keep(at)) found.push({ at, kind, listedAt: at - LISTING_LEAD_MS[kind] })
  }
  return found
}

/** One expiry per instant, named by its longest-lived kind, in time order. */
function merge(groups: readonly Expiry[][]): Expiry[] {
  const byAt = new Map<number, Expiry>()
  for (const expiry of groups.flat()) {
    const seen = byAt.get(expiry.at)
    if (!seen || RANK[expiry.kind] > RANK[seen.kind]) byAt.set(expiry.at, expiry)
  }
  return [...byAt.values()].sort((a, b) => a.at - b.at)
}
