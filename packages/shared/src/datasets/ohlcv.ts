import { type Static, Type } from '@sinclair/typebox'
import { defineDataset } from '../dataset'
import { parseExchange, parseSymbol } from '../exchanges'
import { defaultInterval, Interval, parseInterval } from '../intervals'
import { Nullable } from './coin-id'

/** The exchanges candles come from. */
type OhlcvExchange = Static<typeof OhlcvParams>['exchange']

export const OhlcvParams = Type.Object({
  exchange: Type.Union([Type.Literal('bybit'), Type.Literal('ibkr'), Type.Literal('coingecko')]),
  symbol: Type.String(),
  interval: Type.Union(Object.keys(Interval).map((name) => Type.Literal(name as Interval))),
})

/** One candle; `t` is its open time in epoch ms. */
export const Candle = Type.Object(
  {
    t: Type.Integer({ minimum: 0 }),
    o: Type.Number({ minimum: 0 }),
    h: Type.Number({ minimum: 0 }),
    l: Type.Number({ minimum: 0 }),
    c: Type.Number({ minimum: 0 }),
    /** Base-currency volume (shares for stocks); null where the provider has none (CoinGecko OHLC). */
    v: Nullable(Type.Number({ minimum: 0 })),
  },
  { additionalProperties: false },
)

export const OhlcvValue = Type.Object(
  {
    exchange: Type.String(),
    symbol: Type.String(),
    interval: Type.String(),
    /** Ascending by `t`, one per interval. */
    candles: Type.Array(Candle),
    as_of: Type.String({ minLength: 1 }),
  },
  { additionalProperties: false, $id: 'Ohlcv' },
)
export type Ohlcv = Static<typeof OhlcvValue>

export const ohlcv = defineDataset({
  name: 'ohlcv',
  schemaVersion: 1,
  params: OhlcvParams,
  parseParams: (raw) => {
    const exchange = parseExchange(raw.exchange, 'candles') as OhlcvExchange
    return {
      exchange,
      symbol: parseSymbol(exchange, 'candles', raw.symbol),
      interval: parseInterval(exchange, raw.interval ?? defaultInterval(exchange)),
    }
  },
  segments: (params) => [params.exchange, params.symbol, params.interval],
  // CoinGecko series are keyed by coin id; Bybit spot pairs by the spot list (its `…PERP`
  // pairs are perpetuals, which that list does not hold). IBKR publishes no stock list.
  listedIn: (params) => {
    if (params.exchange === 'coingecko') return { catalog: 'coingecko-coins', id: params.symbol }
    if (params.exchange === 'ibkr' || params.symbol.endsWith('PERP')) return null
    return { catalog: 'bybit-spot', id: params.symbol }
  },
  value: OhlcvValue,
  freshness: { freshMs: 3_600_000, staleMs: 3_600_000, errorMs: 86_400_000, negativeMs: 300_000 },
  // A candle series is only as fresh as its last candle: one-minute candles go stale in a minute.
  freshnessFor: (params, policy) => ({
    ...policy,
    freshMs: Math.min(policy.freshMs, Interval[params.interval]),
  }),
  fill: (params) => {
    const { symbol, interval } = params
    switch (params.exchange) {
      case 'bybit':
        return { queue: 'bybit', name: 'bybit.kline', data: { symbol, interval } }
      case 'ibkr':
        return { queue: 'ibkr', name: 'ibkr.history', data: { symbol, interval } }
      case 'coingecko':
        return { queue: 'coingecko', name: 'coingecko.ohlc', data: { id: symbol, interval } }
    }
  },
})
