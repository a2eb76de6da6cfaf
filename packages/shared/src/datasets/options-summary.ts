import { type Static, Type } from '@sinclair/typebox'
import { defineDataset, dependsOn } from '../dataset'
import { Nullable } from './coin-id'
import { optionUnderlyingListing, parseUnderlyingParams, UnderlyingParams } from './instruments'
import { optionChain } from './option-chain'

/** Per-expiry positioning and volatility figures of one underlying's chain. */
export const ExpirySummary = Type.Object(
  {
    expiry: Type.String(),
    days_to_expiry: Type.Number({ minimum: 0 }),
    /** Σ put open interest / Σ call open interest; null when there is no call interest. */
    put_call_oi_ratio: Nullable(Type.Number({ minimum: 0 })),
    put_call_volume_ratio: Nullable(Type.Number({ minimum: 0 })),
    /** IV (fraction) at the strike nearest the underlying price: mean of call and put marks' IVs. */
    atm_iv: Nullable(Type.Number({ minimum: 0 })),
    /** 25-delta risk reversal: IV(25Δ call) − IV(25Δ put). */
    risk_reversal_25d: Nullable(Type.Number()),
    /** 25-delta butterfly: (IV(25Δ call) + IV(25Δ put)) / 2 − ATM IV. */
    butterfly_25d: Nullable(Type.Number()),
    /** The strike where option holders' total payoff at expiry is smallest. */
    max_pain: Nullable(Type.Number({ exclusiveMinimum: 0 })),
  },
  { additionalProperties: false },
)

export const OptionsSummaryValue = Type.Object(
  {
    exchange: Type.String(),
    underlying: Type.String(),
    underlying_price: Type.Number({ exclusiveMinimum: 0 }),
    /** The chain's as_of: the summary is no newer than its input. */
    as_of: Type.String(),
    expiries: Type.Array(ExpirySummary),
    /** ATM IV by days to expiry, ascending: the term structure. */
    term_structure: Type.Array(
      Type.Object(
        { days_to_expiry: Type.Number(), atm_iv: Type.Number() },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, $id: 'OptionsSummary' },
)
export type OptionsSummary = Static<typeof OptionsSummaryValue>

export const optionsSummary = defineDataset({
  name: 'options-summary',
  schemaVersion: 1,
  params: UnderlyingParams,
  parseParams: parseUnderlyingParams,
  segments: (params) => [params.exchange, params.underlying],
  // Derived, but a made-up underlying would still cost its chain's provider call.
  listedIn: optionUnderlyingListing,
  value: OptionsSummaryValue,
  freshness: { freshMs: 300_000, staleMs: 300_000, errorMs: 1_800_000, negativeMs: 300_000 },
  recomputeOn: [dependsOn(optionChain, ({ exchange, underlying }) => ({ exchange, underlying }))],
  fill: (params) => ({
    queue: 'derive',
    name: 'derive.options-summary',
    data: { exchange: params.exchange, underlying: params.underlying },
  }),
})
