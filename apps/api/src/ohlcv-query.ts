import type { Ohlcv } from '@marketcache/shared/datasets/ohlcv'
import { exchangesFor } from '@marketcache/shared/exchanges'
import { defaultInterval, Interval, intervalsFor } from '@marketcache/shared/intervals'
import { Type } from '@sinclair/typebox'
import { canonicalFilterKey, type ReadFilter } from './read-filter'

/** Most candles one response may be cut down to. */
export const OHLCV_LIMIT_MAX = 1000

const perExchange = exchangesFor('candles')
  .map(
    (exchange) =>
      `${exchange}: ${intervalsFor(exchange).join(', ')} (default ${defaultInterval(exchange)})`,
  )
  .join('; ')

/** The candle route's own query: `interval` (part of the key) and `limit` (read-time). */
export const OhlcvQuery = {
  // Part of the key, validated per exchange by the dataset's parseParams; `enum` documents.
  interval: Type.Optional(
    Type.String({
      enum: Object.keys(Interval),
      // No schema default: the default depends on the exchange (the dataset's parseParams).
      description: `Candle interval, accepted per exchange: ${perExchange}.`,
    }),
  ),
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: OHLCV_LIMIT_MAX,
      description: 'Only the last N candles. Read-time: the cached series is the same.',
    }),
  ),
}

/** `?limit=N`: the last N candles of the cached series. */
export function lastCandles(query: Readonly<Record<string, unknown>>): ReadFilter | null {
  const { limit } = query
  if (typeof limit !== 'number') return null
  return {
    key: canonicalFilterKey({ limit }),
    apply: (value) => {
      const series = value as Ohlcv
      return { ...series, candles: series.candles.slice(-limit) }
    },
  }
}
