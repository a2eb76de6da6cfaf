import { Type } from '@sinclair/typebox'
import { defineDataset } from '../dataset'
import { parseExchange, parseSymbol } from '../exchanges'
import { Nullable } from './coin-id'

export const QuoteParams = Type.Object({
  exchange: Type.Literal('ibkr'),
  /** IBKR's contract id, canonical (no leading zeros). */
  conid: Type.String({ pattern: '^[1-9][0-9]{0,11}$' }),
})

const Price = Nullable(Type.Number({ minimum: 0 }))

/**
 * The market of one contract the exchange names by id: a stock or an option, as one snapshot
 * answers it. Greeks and open interest are null for a stock.
 */
export const QuoteValue = Type.Object(
  {
    exchange: Type.Literal('ibkr'),
    conid: Type.String(),
    /** The symbol (field 55): the stock's, or an option's underlying. */
    symbol: Nullable(Type.String()),
    /** IBKR's asset class (field 6070): `STK`, `OPT`, ... */
    sec_type: Nullable(Type.String()),
    /** An option's underlying contract (field 6457). */
    underlying_conid: Nullable(Type.String()),
    /** The last trade (while the market is shut: the previous close), else the mid. */
    price: Price,
    last: Price,
    /** True when `last` is the previous close: the market is shut. */
    last_is_close: Type.Boolean(),
    bid: Price,
    ask: Price,
    bid_size: Price,
    ask_size: Price,
    high: Price,
    low: Price,
    volume: Price,
    change_pct: Nullable(Type.Number()),
    delta: Nullable(Type.Number({ minimum: -1, maximum: 1 })),
    gamma: Nullable(Type.Number()),
    theta: Nullable(Type.Number()),
    vega: Nullable(Type.Number()),
    /** A fraction: 0.265 is 26.5 %. */
    implied_vol: Nullable(Type.Number({ minimum: 0 })),
    open_interest: Price,
    /** The gateway's timestamp (ISO 8601); also the envelope's asOf. */
    as_of: Type.String({ minLength: 1 }),
  },
  { additionalProperties: false, $id: 'Quote' },
)

export const quote = defineDataset({
  name: 'quote',
  schemaVersion: 1,
  params: QuoteParams,
  parseParams: (raw) => {
    const exchange = parseExchange(raw.exchange, 'contract') as 'ibkr'
    return { exchange, conid: parseSymbol(exchange, 'contract', raw.conid, 'conid') }
  },
  segments: (params) => [params.exchange, params.conid],
  value: QuoteValue,
  freshness: { freshMs: 30_000, staleMs: 60_000, errorMs: 600_000, negativeMs: 60_000 },
  fill: (params) => ({ queue: 'ibkr', name: 'ibkr.quote', data: { conids: [params.conid] } }),
})
