import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox'
import { spot } from '@marketcache/shared/datasets/spot'
import { dataResponses, Tag } from '../openapi'
import { exchangeParam, symbolParam } from '../path-params'
import { plainQueryNumbers } from '../query-numbers'
import { datasetReadHandler } from '../read-handler'
import { readQuerySchema } from '../read-query'
import type { ApiServices } from '../services'

/** `GET /v1/spot/:exchange/:symbol`: last trade and quote, through the one read handler. */
export const spotRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (
  app,
  { services },
) => {
  const querystring = readQuerySchema(services.config)
  app.get(
    '/v1/spot/:exchange/:symbol',
    {
      preValidation: plainQueryNumbers(querystring),
      schema: {
        tags: [Tag.spot],
        summary: 'Last price and quote of a spot pair or stock',
        description:
          'Bybit spot pairs (BTCUSDT) and US stocks through Interactive Brokers (AAPL). For a ' +
          'closed stock market `price` is the previous close.',
        params: Type.Object({
          exchange: exchangeParam('spot'),
          symbol: symbolParam('spot', 'The instrument'),
        }),
        querystring,
        response: dataResponses(spot.value.$id!),
      },
    },
    datasetReadHandler(services, spot),
  )
}
