import {
  COLLAR_RISK_FLOOR,
  type Collar,
  type CollarSet,
  PROTECTION_BUCKETS,
} from '@marketcache/shared/datasets/collar'
import type { OptionChain } from '@marketcache/shared/datasets/option-chain'
import { moneyRounding, significant } from './precision'

type ChainExpiry = OptionChain['expiries'][number]
type Money = (value: number) => number

/** A bought put leg (we pay its ask) or a sold call leg (we receive its bid). */
export interface Leg {
  strike: number
  price: number
}

/**
 * One collar per unit of underlying: long at spot S, put bought at its ask, call sold at its bid.
 * Money amounts are rounded first and the rest computed from the rounded net cost, so that
 * breakeven is exactly S + net_cost and max_gain + max_loss is exactly Kc − Kp (to the rounding).
 * `score` floors the risk at COLLAR_RISK_FLOOR × S, so a near-riskless pair is ranked by its gain
 * instead of by a ratio that grows without bound as max_loss nears 0.
 */
export function priceCollar(
  expiry: Pick<ChainExpiry, 'expiry' | 'days_to_expiry'>,
  spot: number,
  put: Leg,
  call: Leg,
  money: Money = moneyRounding(spot),
): Collar {
  const netCost = money(put.price - call.price)
  const maxGain = money(call.strike - spot - netCost)
  const maxLoss = money(spot - put.strike + netCost)
  return {
    expiry: expiry.expiry,
    days_to_expiry: expiry.days_to_expiry,
    put_strike: put.strike,
    call_strike: call.strike,
    put_ask: put.price,
    call_bid: call.price,
    net_cost: netCost,
    max_gain: maxGain,
    max_loss: maxLoss,
    gain_to_risk: maxLoss > 0 ? significant(maxGain / maxLoss) : 0,
    score: significant(maxGain / Math.max(maxLoss, COLLAR_RISK_FLOOR * spot)),
    breakeven: money(spot + netCost),
    protection: significant((spot - put.strike) / spot),
  }
}

/**
 * Every collar of one expiry, ordered by put strike then call strike: each put with an ask
 * against each higher call with a bid, O(puts × calls). Pairs whose max loss is not positive
 * (the call's bid pays for more than the put's time value) are no hedge and are dropped.
 */
export function expiryCollars(
  expiry: ChainExpiry,
  spot: number,
  money: Money = moneyRounding(spot),
): Collar[] {
  const puts: Leg[] = []
  const calls: Leg[] = []
  for (const { strike, put, call } of expiry.strikes) {
    if (put?.ask != null) puts.push({ strike, price: put.ask })
    if (call?.bid != null) calls.push({ strike, price: call.bid })
  }
  const collars: Collar[] = []
  // Strikes are ascending, so the calls above a put start at a pointer that only moves forward.
  let above = 0
  for (const put of puts) {
    while (above < calls.length && (calls[above] as Leg).strike <= put.strike) above++
    for (let i = above; i < calls.length; i++) {
      const collar = priceCollar(expiry, spot, put, calls[i] as Leg, money)
      if (collar.max_loss > 0) collars.push(collar)
    }
  }
  return collars
}

/** The protection bucket a collar belongs to, by its (rounded) protection. */
export function protectionBucket(protection: number): (typeof PROTECTION_BUCKETS)[number] {
  const bucket = PROTECTION_BUCKETS.find((b) => protection >= b.from && protection < b.to)
  // The buckets cover the whole number line; only NaN falls through.
  if (bucket === undefined) throw new RangeError(`protection ${protection} is in no bucket`)
  return bucket
}

export interface CollarSetInput {
  chain: OptionChain
  /** S: the spot price every collar is computed with. */
  spot: number
  /** ISO instants: the set's (the oldest input's) and each input's. */
  asOf: string
  inputs: CollarSet['inputs']
}

/**
 * Every collar of a chain at spot S, organised by protection bucket (every bucket listed, in
 * PROTECTION_BUCKETS order), then by expiry ascending; expiries without a collar in a bucket are
 * left out of it.
 */
export function collarSet(input: CollarSetInput): CollarSet {
  const { chain, spot } = input
  const money = moneyRounding(spot)
  const byBucket = new Map<string, CollarSet['buckets'][number]['expiries']>(
    PROTECTION_BUCKETS.map((bucket) => [bucket.name, []]),
  )
  const expiries = [...chain.expiries].sort((a, b) => Date.parse(a.expiry) - Date.parse(b.expiry))
  let total = 0
  for (const expiry of expiries) {
    const grouped = new Map<string, Collar[]>()
    for (const collar of expiryCollars(expiry, spot, money)) {
      const name = protectionBucket(collar.protection).name
      const list = grouped.get(name) ?? []
      list.push(collar)
      grouped.set(name, list)
      total++
    }
    for (const [name, collars] of grouped) {
      byBucket
        .get(name)
        ?.push({ expiry: expiry.expiry, days_to_expiry: expiry.days_to_expiry, collars })
    }
  }
  return {
    exchange: chain.exchange,
    underlying: chain.underlying,
    spot,
    as_of: input.asOf,
    inputs: input.inputs,
    total_count: total,
    buckets: PROTECTION_BUCKETS.map((bucket) => ({
      protection: bucket.name,
      expiries: byBucket.get(bucket.name) ?? [],
    })),
  }
}
