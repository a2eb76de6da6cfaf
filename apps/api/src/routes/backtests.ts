import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { backtest } from '@marketcache/shared/datasets/backtest'
import { BACKTEST_QUERY_PARAMS, BacktestQuery } from '../backtest-params'
import { dataResponses, Tag } from '../openapi'
import { plainQueryNumbers } from '../query-numbers'
import { datasetReadHandler } from '../read-handler'
import { readQuerySchema } from '../read-query'
import type { ApiServices } from '../services'

/** `GET /v1/backtests`: one cached result per canonical parameter set. */
export const backtestRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (
  app,
  { services },
) => {
  const querystring = readQuerySchema(services.config, BacktestQuery)
  app.get(
    '/v1/backtests',
    {
      preValidation: plainQueryNumbers(querystring),
      schema: {
        tags: [Tag.analytics],
        summary: 'RSI mean-reversion backtest of a pair on cached candles',
        description:
          'Every parameter is part of the key: defaults are applied and the set canonicalised ' +
          'before it is hashed, so `?symbol=btcusdt` and `?rsi_period=14&symbol=BTCUSDT` share ' +
          'one entry (and one job). A miss runs the backtest on the worker and waits up to ' +
          '`wait` ms; `fresh=true` reruns it. Sent as stored.',
        querystring,
        response: dataResponses(backtest.value.$id!),
      },
    },
    datasetReadHandler(services, backtest, { queryParams: BACKTEST_QUERY_PARAMS }),
  )
}
