import type { Collar, CollarSet } from './collar'

/** The read-time view of a collar set: which collars, in what order, flat or grouped. */

export const CollarSort = [
  'score',
  'gain_to_risk',
  'max_gain',
  'net_cost',
  'days_to_expiry',
  'protection',
] as const
export type CollarSort = (typeof CollarSort)[number]

/** `otm`: a protective put below spot and a covered call above it. `all`: every stored pair. */
export const CollarMoneyness = ['otm', 'all'] as const
export type CollarMoneyness = (typeof CollarMoneyness)[number]

/** `protection`: one group per protection bucket; `maturity`: one per expiry. */
export const CollarGroup = ['protection', 'maturity'] as const
export type CollarGroup = (typeof CollarGroup)[number]

/** Read-time filters of `GET /v1/crypto-collar`; not part of the key. */
export interface CollarFilters {
  min_days?: number
  max_days?: number
  min_gain_to_risk?: number
  /** @defaultValue otm */
  moneyness?: CollarMoneyness
  /** Descending for score, gain_to_risk and max_gain, ascending otherwise. @defaultValue score */
  sort?: CollarSort
  /** Per group when grouped. @defaultValue 100 */
  limit?: number
  /** @defaultValue none: one flat list */
  group?: CollarGroup
}

const DESCENDING: ReadonlySet<CollarSort> = new Set(['score', 'gain_to_risk', 'max_gain'])

/** Both legs out of the money: the put struck below S, the call above it. */
export function isOutOfTheMoney(collar: Collar, spot: number): boolean {
  return collar.put_strike < spot && collar.call_strike > spot
}

/** The collars of `collars` the filters keep, in `sort` order; `limit` is the caller's. */
function matching(collars: readonly Collar[], spot: number, filters: CollarFilters): Collar[] {
  const sort = filters.sort ?? 'score'
  const otmOnly = (filters.moneyness ?? 'otm') === 'otm'
  const kept = collars.filter(
    (c) =>
      (!otmOnly || isOutOfTheMoney(c, spot)) &&
      (filters.min_days === undefined || c.days_to_expiry >= filters.min_days) &&
      (filters.max_days === undefined || c.days_to_expiry <= filters.max_days) &&
      (filters.min_gain_to_risk === undefined || c.gain_to_risk >= filters.min_gain_to_risk),
  )
  const direction = DESCENDING.has(sort) ? -1 : 1
  return kept.sort(
    (a, b) =>
      direction * (a[sort] - b[sort]) ||
      a.put_strike - b.put_strike ||
      a.call_strike - b.call_strike,
  )
}

/** One group's or the whole list's answer: the first `limit` and how many matched in all. */
export interface CollarSelection {
  collars: Collar[]
  matched: number
}

function selection(collars: readonly Collar[], spot: number, filters: CollarFilters) {
  const kept = matching(collars, spot, filters)
  return { collars: kept.slice(0, filters.limit ?? 100), matched: kept.length }
}

/** The collars the filters select, sorted and cut to `limit`, with how many matched in all. */
export function selectCollars(set: CollarSet, filters: CollarFilters): CollarSelection {
  const all = set.buckets.flatMap((bucket) => bucket.expiries.flatMap((expiry) => expiry.collars))
  return selection(all, set.spot, filters)
}

export type ProtectionGroup = { protection: string } & CollarSelection
export type MaturityGroup = { expiry: string; days_to_expiry: number } & CollarSelection

/**
 * The selection of each protection bucket (in PROTECTION_BUCKETS order) or of each expiry
 * (ascending), as `selectCollars` makes it, `limit` applying per group. Groups where nothing
 * matched are left out.
 */
export function groupCollars(
  set: CollarSet,
  group: CollarGroup,
  filters: CollarFilters,
): ProtectionGroup[] | MaturityGroup[] {
  const nonEmpty = <G extends CollarSelection>(groups: G[]) => groups.filter((g) => g.matched > 0)
  if (group === 'protection') {
    return nonEmpty(
      set.buckets.map((bucket) => ({
        protection: bucket.protection,
        ...selection(
          bucket.expiries.flatMap((expiry) => expiry.collars),
          set.spot,
          filters,
        ),
      })),
    )
  }
  // Every bucket lists its expiries ascending; merge them into one list per expiry.
  const byExpiry = new Map<string, { days_to_expiry: number; collars: Collar[] }>()
  for (const expiry of set.buckets.flatMap((bucket) => bucket.expiries)) {
    const entry = byExpiry.get(expiry.expiry) ?? {
      days_to_expiry: expiry.days_to_expiry,
      collars: [],
    }
    entry.collars.push(...expiry.collars)
    byExpiry.set(expiry.expiry, entry)
  }
  return nonEmpty(
    [...byExpiry]
      .sort(([a], [b]) => Date.parse(a) - Date.parse(b))
      .map(([expiry, { days_to_expiry, collars }]) => ({
        expiry,
        days_to_expiry,
        ...selection(collars, set.spot, filters),
      })),
  )
}
