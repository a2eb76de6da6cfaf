import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox'
import { instruments } from '@marketcache/shared/datasets/instruments'
import { dataResponses, Tag } from '../openapi'
import { exchangeParam, symbolParam } from '../path-params'
import { plainQueryNumbers } from '../query-numbers'
import { datasetReadHandler } from '../read-handler'
import { readQuerySchema } from '../read-query'
import type { ApiServices } from '../services'

/** `GET /v1/instruments/:exchange/:underlying`: the listed option contracts of an underlying. */
export const instrumentsRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (
  app,
  { services },
) => {
  const querystring = readQuerySchema(services.config)
  app.get(
    '/v1/instruments/:exchange/:underlying',
    {
      preValidation: plainQueryNumbers(querystring),
      schema: {
        tags: [Tag.instruments],
        summary: 'Option contracts listed on an underlying',
        description:
          "Every listed contract with the exchange's own id (Bybit symbol, IBKR conid), strike, " +
          'right and expiry, and the distinct expiries.',
        params: Type.Object({
          exchange: exchangeParam('underlying'),
          underlying: symbolParam('underlying', 'The underlying'),
        }),
        querystring,
        response: dataResponses(instruments.value.$id!),
      },
    },
    datasetReadHandler(services, instruments),
  )
}
