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
 * The least risk a collar's `score` counts, as a fraction of S. Gain over a max_loss near 0 grows
 * without bound and ranks pairs by their tiny denominators; floored, they rank by their gain.
 */
export const COLLAR_RISK_FLOOR = 0.01

/**
 * Long 1 unit at spot S, a bought put at Kp (pay its ask), a sold call at Kc (receive its bid),
 * same expiry, Kp < Kc. Per unit: net_cost = put ask − call bid; max_gain = (Kc − S) − net_cost;
 * max_loss = (S − Kp) + net_cost; gain_to_risk = max_gain / max_loss; breakeven = S + net_cost;
 * score = max_gain / max(max_loss, COLLAR_RISK_FLOOR × S).
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
    /** max_gain / max(max_loss, 1 % of S): gain to risk, with risk floored; the default ranking. */
    score: Type.Number(),
    breakeven: Type.Number(),
    /** (S − Kp) / S, as a fraction: how far below spot the protection starts. */
    protection: Type.Number(),
  },
  { additionalProperties: false },
)
export type Collar = Static<typeof Collar>

/** Protection-level buckets of (S − Kp) / S; `<0%` holds puts struck above spot. */
export const PROTECTION_BUCKETS = [
  { name: '<0%', from: Number.NEGATIVE_INFINITY, to: 0 },
  { name: '0-2%', from: 0, to: 0.02 },
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
  // 2: `score`, and the `<0%` bucket.
  schemaVersion: 2,
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
