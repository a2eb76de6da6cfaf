import { type Static, Type } from '@sinclair/typebox'
import { defineDataset } from '../dataset'
import { Nullable } from './coin-id'
import { optionUnderlyingListing, parseUnderlyingParams, UnderlyingParams } from './instruments'

/** One side (call or put) of a strike. Prices in the quote currency per unit of underlying. */
export const OptionQuote = Type.Object(
  {
    symbol: Type.String({ minLength: 1 }),
    /** null: nobody is bidding (deep out of the money, typically). */
    bid: Nullable(Type.Number({ minimum: 0 })),
    ask: Nullable(Type.Number({ minimum: 0 })),
    mark: Nullable(Type.Number({ minimum: 0 })),
    /** Implied volatility as a fraction (0.55 = 55 %). */
    iv: Nullable(Type.Number({ minimum: 0 })),
    delta: Nullable(Type.Number({ minimum: -1, maximum: 1 })),
    gamma: Nullable(Type.Number()),
    /** Per one volatility point. */
    vega: Nullable(Type.Number()),
    /** Per calendar day. */
    theta: Nullable(Type.Number()),
    open_interest: Nullable(Type.Number({ minimum: 0 })),
    volume: Nullable(Type.Number({ minimum: 0 })),
  },
  { additionalProperties: false },
)

export const ChainStrike = Type.Object(
  {
    strike: Type.Number({ exclusiveMinimum: 0 }),
    call: Nullable(OptionQuote),
    put: Nullable(OptionQuote),
  },
  { additionalProperties: false },
)

export const ChainExpiry = Type.Object(
  {
    /** Expiry instant, ISO 8601. */
    expiry: Type.String({ minLength: 1 }),
    /** Fractional days from the chain's as_of to expiry. */
    days_to_expiry: Type.Number({ minimum: 0 }),
    /** Ascending by strike; each strike once. */
    strikes: Type.Array(ChainStrike),
  },
  { additionalProperties: false },
)

/** A whole chain: expiries → strikes → call/put. Read-time filters cut it down; see filterChain. */
export const OptionChainValue = Type.Object(
  {
    exchange: Type.String(),
    underlying: Type.String(),
    underlying_price: Type.Number({ exclusiveMinimum: 0 }),
    /** Ascending by expiry. */
    expiries: Type.Array(ChainExpiry),
    as_of: Type.String({ minLength: 1 }),
  },
  { additionalProperties: false, $id: 'OptionChain' },
)
export type OptionChain = Static<typeof OptionChainValue>

/** Read-time filters: not part of the key; the full chain is cached once. */
export interface ChainFilters {
  /** `YYYY-MM-DD`: only the expiry on that (UTC) date. */
  expiry?: string
  minDays?: number
  maxDays?: number
  minStrike?: number
  maxStrike?: number
  /** Only this side; the other side of each strike is null. */
  right?: 'call' | 'put'
}

/** The subset of a chain the filters select. Expiries and strikes left empty are dropped. */
export function filterChain(chain: OptionChain, filters: ChainFilters): OptionChain {
  const expiries = chain.expiries
    .filter((e) => filters.expiry === undefined || e.expiry.slice(0, 10) === filters.expiry)
    .filter((e) => filters.minDays === undefined || e.days_to_expiry >= filters.minDays)
    .filter((e) => filters.maxDays === undefined || e.days_to_expiry <= filters.maxDays)
    .map((e) => ({
      ...e,
      strikes: e.strikes
        .filter((s) => filters.minStrike === undefined || s.strike >= filters.minStrike)
        .filter((s) => filters.maxStrike === undefined || s.strike <= filters.maxStrike)
        .map((s) =>
          filters.right === undefined
            ? s
            : {
                ...s,
                call: filters.right === 'call' ? s.call : null,
                put: filters.right === 'put' ? s.put : null,
              },
        )
        .filter((s) => s.call !== null || s.put !== null),
    }))
    .filter((e) => e.strikes.length > 0)
  return { ...chain, expiries }
}

export const optionChain = defineDataset({
  name: 'option-chain',
  schemaVersion: 1,
  params: UnderlyingParams,
  parseParams: parseUnderlyingParams,
  segments: (params) => [params.exchange, params.underlying],
  listedIn: optionUnderlyingListing,
  value: OptionChainValue,
  freshness: { freshMs: 60_000, staleMs: 120_000, errorMs: 1_800_000, negativeMs: 300_000 },
  // One tickers call (Bybit) or one batch of snapshots (IBKR) per underlying fills the chain.
  fill: (params) =>
    params.exchange === 'bybit'
      ? { queue: 'bybit', name: 'bybit.option-chain', data: { underlying: params.underlying } }
      : { queue: 'ibkr', name: 'ibkr.option-chain', data: { underlying: params.underlying } },
})
