import { type Static, Type } from '@sinclair/typebox'
import { defineDataset, dependsOn } from '../dataset'
import { InvalidParamError } from '../errors'
import { parseExchange, parseSymbol } from '../exchanges'
import { optionUnderlyingListing } from './instruments'
import { optionChain } from './option-chain'

export const CollarParams = Type.Object({
  exchange: Type.Union([Type.Literal('bybit'), Type.Literal('ibkr')]),
  underlying: Type.String(),
})

/**
 * Long 1 unit at spot S, a bought put at Kp (pay its ask), a sold call at Kc (receive its bid),
 * same expiry, Kp < Kc. Per unit: net_cost = put ask − call bid; max_gain = (Kc − S) − net_cost;
 * max_loss = (S − Kp) + net_cost; gain_to_risk = max_gain / max_loss; breakeven = S + net_cost.
 */
export const Collar = Type.Object(
  {
    expiry: Type.String(),
    days_to_expiry: Type.Number({ minimum: 0 }),
    put_strike: Type.Number({ exclusiveMinimum: 0 }),
    call_strike: Type.Number({ exclusiveMinimum: 0 }),
    put_ask: Type.Number({ minimum: 0 }),
    call_bid: Type.Number({ minimum: 0 }),
    net_cost: Type.Number(),
    max_gain: Type.Number(),
    max_loss: Type.Number({ exclusiveMinimum: 0 }),
    gain_to_risk: Type.Number(),
    breakeven: Type.Number(),
    /** (S − Kp) / S, as a fraction: how far below spot the protection starts. */
    protection: Type.Number(),
  },
  { additionalProperties: false },
)
export type Collar = Static<typeof Collar>

/** Protection-level buckets of (S − Kp) / S. */
export const PROTECTION_BUCKETS = [
  { name: '0-2%', from: Number.NEGATIVE_INFINITY, to: 0.02 },
  { name: '2-5%', from: 0.02, to: 0.05 },
  { name: '5-10%', from: 0.05, to: 0.1 },
  { name: '10-20%', from: 0.1, to: 0.2 },
  { name: '20%+', from: 0.2, to: Number.POSITIVE_INFINITY },
] as const

export const CollarValue = Type.Object(
  {
    exchange: Type.String(),
    underlying: Type.String(),
    /** The spot S every collar was computed with (also the envelope's basis). */
    spot: Type.Number({ exclusiveMinimum: 0 }),
    /** The oldest input's timestamp: the collar is no newer than its inputs. */
    as_of: Type.String(),
    inputs: Type.Object(
      { chain_as_of: Type.String(), spot_as_of: Type.String() },
      { additionalProperties: false },
    ),
    total_count: Type.Integer({ minimum: 0 }),
    /** Every valid combination, by protection bucket then by expiry (ascending). */
    buckets: Type.Array(
      Type.Object(
        {
          protection: Type.String(),
          expiries: Type.Array(
            Type.Object(
              { expiry: Type.String(), days_to_expiry: Type.Number(), collars: Type.Array(Collar) },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, $id: 'CollarSet' },
)
export type CollarSet = Static<typeof CollarValue>

export const CollarSort = [
  'gain_to_risk',
  'max_gain',
  'net_cost',
  'days_to_expiry',
  'protection',
] as const
export type CollarSort = (typeof CollarSort)[number]

/** Read-time filters of `GET /v1/crypto-collar`; not part of the key. */
export interface CollarFilters {
  min_days?: number
  max_days?: number
  min_gain_to_risk?: number
  /** Descending for gain_to_risk and max_gain, ascending otherwise. @defaultValue gain_to_risk */
  sort?: CollarSort
  /** @defaultValue 100 */
  limit?: number
}

const DESCENDING: ReadonlySet<CollarSort> = new Set(['gain_to_risk', 'max_gain'])

/** The collars the filters select, sorted and cut to `limit`, with how many matched in all. */
export function selectCollars(
  set: CollarSet,
  filters: CollarFilters,
): { collars: Collar[]; matched: number } {
  const sort = filters.sort ?? 'gain_to_risk'
  const matching = set.buckets
    .flatMap((bucket) => bucket.expiries.flatMap((expiry) => expiry.collars))
    .filter((c) => filters.min_days === undefined || c.days_to_expiry >= filters.min_days)
    .filter((c) => filters.max_days === undefined || c.days_to_expiry <= filters.max_days)
    .filter(
      (c) => filters.min_gain_to_risk === undefined || c.gain_to_risk >= filters.min_gain_to_risk,
    )
  const direction = DESCENDING.has(sort) ? -1 : 1
  matching.sort(
    (a, b) =>
      direction * (a[sort] - b[sort]) ||
      a.put_strike - b.put_strike ||
      a.call_strike - b.call_strike,
  )
  return { collars: matching.slice(0, filters.limit ?? 100), matched: matching.length }
}

/** The spot entry a collar's S comes from: Bybit's coin against USDT, IBKR's stock itself. */
export function collarSpotParams(params: Static<typeof CollarParams>): {
  exchange: 'bybit' | 'ibkr'
  symbol: string
} {
  return {
    exchange: params.exchange,
    symbol: params.exchange === 'bybit' ? `${params.underlying}USDT` : params.underlying,
  }
}

export const collar = defineDataset({
  name: 'collar',
  schemaVersion: 1,
  params: CollarParams,
  parseParams: (raw) => {
    const exchange = parseExchange(raw.exchange ?? 'bybit', 'underlying') as 'bybit' | 'ibkr'
    if (raw.underlying === undefined)
      throw new InvalidParamError('underlying', 'underlying is required')
    return {
      exchange,
      underlying: parseSymbol(exchange, 'underlying', raw.underlying, 'underlying'),
    }
  },
  segments: (params) => [params.exchange, params.underlying],
  // Derived, but a made-up underlying would still cost its chain's provider call.
  listedIn: optionUnderlyingListing,
  value: CollarValue,
  freshness: { freshMs: 300_000, staleMs: 300_000, errorMs: 1_800_000, negativeMs: 300_000 },
  // A spot move of more than 5 % invalidates every max gain/loss: recompute before the fresh window ends.
  staleWhen: {
    input: (params) => ({ dataset: 'spot', params: collarSpotParams(params) }),
    read: (value) => {
      const price = (value as { price?: unknown }).price
      return typeof price === 'number' ? price : null
    },
    movedBy: 0.05,
  },
  // A rewritten chain re-prices every collar; spot moves are staleWhen's business.
  recomputeOn: [dependsOn(optionChain, ({ exchange, underlying }) => ({ exchange, underlying }))],
  fill: (params) => ({
    queue: 'derive',
    name: 'derive.collar',
    data: { exchange: params.exchange, underlying: params.underlying },
  }),
})
