import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox'
import { Market, marketStatus } from '@marketcache/shared/datasets/market-status'
import { dataResponses, Tag } from '../openapi'
import { plainQueryNumbers } from '../query-numbers'
import { datasetReadHandler } from '../read-handler'
import { readQuerySchema } from '../read-query'
import type { ApiServices } from '../services'

/** `GET /v1/market-status/:market`: open, closed, pre- or post-market, and the next session. */
export const marketStatusRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (
  app,
  { services },
) => {
  const querystring = readQuerySchema(services.config)
  app.get(
    '/v1/market-status/:market',
    {
      preValidation: plainQueryNumbers(querystring),
      schema: {
        tags: [Tag.market],
        summary: 'Whether a market is open, and its next session',
        description:
          'Derived from the exchange calendar (holidays, early closes); crypto is always open.',
        params: Type.Object({
          market: Type.String({
            enum: Object.values(Market),
            description: `One of ${Object.values(Market).join(', ')}.`,
          }),
        }),
        querystring,
        response: dataResponses(marketStatus.value.$id!),
      },
    },
    datasetReadHandler(services, marketStatus),
  )
}
