import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox'
import { type Ohlcv, ohlcv } from '@marketcache/shared/datasets/ohlcv'
import { exchangesFor } from '@marketcache/shared/exchanges'
import { defaultInterval, Interval, intervalsFor } from '@marketcache/shared/intervals'
import { dataResponses, READ_ERRORS, Tag } from '../openapi'
import { exchangeParam, symbolParam } from '../path-params'
import { plainQueryNumbers } from '../query-numbers'
import { canonicalFilterKey, type ReadFilter } from '../read-filter'
import { datasetReadHandler } from '../read-handler'
import { readQuerySchema } from '../read-query'
import type { ApiServices } from '../services'

/** Most candles one response may be cut down to. */
export const OHLCV_LIMIT_MAX = 1000

const perExchange = exchangesFor('candles')
  .map(
    (exchange) =>
      `${exchange}: ${intervalsFor(exchange).join(', ')} (default ${defaultInterval(exchange)})`,
  )
  .join('; ')

const OhlcvQuery = {
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
function lastCandles(query: Readonly<Record<string, unknown>>): ReadFilter | null {
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

/** `GET /v1/ohlcv/:exchange/:symbol?interval=&limit=`: candles, one entry per interval. */
export const ohlcvRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (
  app,
  { services },
) => {
  const querystring = readQuerySchema(services.config, OhlcvQuery)
  app.get(
    '/v1/ohlcv/:exchange/:symbol',
    {
      preValidation: plainQueryNumbers(querystring),
      schema: {
        tags: [Tag.ohlcv],
        summary: 'Candles (open, high, low, close, volume) of a pair or coin',
        description:
          'One cached series per exchange, symbol and `interval`, ascending by open time. ' +
          '`limit` keeps the last N candles at read time (own weak ETag). A series stays fresh ' +
          'for at most one interval.',
        params: Type.Object({
          exchange: exchangeParam('candles'),
          symbol: symbolParam('candles', 'The series'),
        }),
        querystring,
        response: dataResponses(
          ohlcv.value.$id!,
          READ_ERRORS,
          'The cached series: as stored without `limit`, else its last `limit` candles.',
        ),
      },
    },
    datasetReadHandler(services, ohlcv, { queryParams: ['interval'], filter: lastCandles }),
  )
}
