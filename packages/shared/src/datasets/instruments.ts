import { type Static, Type } from '@sinclair/typebox'
import { defineDataset } from '../dataset'
import { parseExchange, parseSymbol } from '../exchanges'
import { CatalogName } from './catalog'
import { Nullable } from './coin-id'

export const UnderlyingParams = Type.Object({
  exchange: Type.Union([Type.Literal('bybit'), Type.Literal('ibkr')]),
  underlying: Type.String(),
})

/** `{exchange, underlying}` for every dataset keyed by an option underlying. */
export function parseUnderlyingParams(
  raw: Readonly<Record<string, unknown>>,
): Static<typeof UnderlyingParams> {
  const exchange = parseExchange(raw.exchange, 'underlying') as 'bybit' | 'ibkr'
  return { exchange, underlying: parseSymbol(exchange, 'underlying', raw.underlying, 'underlying') }
}

/**
 * The catalog a dataset keyed by an option underlying names: a Bybit underlying must be a base
 * coin Bybit lists options on (once that list is cached); IBKR has no catalog.
 */
export function optionUnderlyingListing(params: Static<typeof UnderlyingParams>) {
  return params.exchange === 'bybit'
    ? { catalog: CatalogName.bybitOptions, id: params.underlying }
    : null
}

export const Right = Type.Union([Type.Literal('call'), Type.Literal('put')])

/** One listed option contract. */
export const OptionContract = Type.Object(
  {
    /** The exchange's own identifier: a Bybit symbol, or an IBKR conid as a string. */
    symbol: Type.String({ minLength: 1 }),
    right: Right,
    strike: Type.Number({ exclusiveMinimum: 0 }),
    /** Expiry instant, ISO 8601 (Bybit 08:00 UTC; US equity options 16:00 New York). */
    expiry: Type.String({ minLength: 1 }),
    settle: Nullable(Type.String()),
    multiplier: Type.Number({ exclusiveMinimum: 0 }),
    tick_size: Nullable(Type.Number({ exclusiveMinimum: 0 })),
  },
  { additionalProperties: false },
)

/**
 * Contract qualification for one underlying: what is listed on it, with the exchange's ids, so a
 * chain refresh does not have to qualify every contract again (for IBKR that is many calls).
 */
export const InstrumentsValue = Type.Object(
  {
    exchange: Type.String(),
    underlying: Type.String(),
    /** IBKR: the underlying's conid; Bybit: null. */
    underlying_id: Nullable(Type.String()),
    /** Distinct expiries, ascending. */
    expiries: Type.Array(Type.String()),
    contracts: Type.Array(OptionContract),
    as_of: Type.String({ minLength: 1 }),
  },
  { additionalProperties: false, $id: 'Instruments' },
)

export const instruments = defineDataset({
  name: 'instruments',
  schemaVersion: 1,
  params: UnderlyingParams,
  parseParams: parseUnderlyingParams,
  segments: (params) => [params.exchange, params.underlying],
  listedIn: optionUnderlyingListing,
  value: InstrumentsValue,
  freshness: { freshMs: 900_000, staleMs: 1_800_000, errorMs: 21_600_000, negativeMs: 300_000 },
  fill: (params) =>
    params.exchange === 'bybit'
      ? { queue: 'bybit', name: 'bybit.instruments', data: { underlying: params.underlying } }
      : { queue: 'ibkr', name: 'ibkr.instruments', data: { underlying: params.underlying } },
})
