import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox'
import { coin } from '@marketcache/shared/datasets/coin'
import { tokenomics } from '@marketcache/shared/datasets/tokenomics'
import { dataResponses, READ_ERRORS, Tag } from '../openapi'
import { plainQueryNumbers } from '../query-numbers'
import { datasetReadHandler } from '../read-handler'
import { readQuerySchema } from '../read-query'
import type { ApiServices } from '../services'

/** Validation is the dataset's `parseParams` (so the 400 names the param), not the schema's. */
const CoinPath = Type.Object({
  id: Type.String({
    description: 'CoinGecko coin id, e.g. bitcoin: 1-64 of A-Z a-z 0-9 . _ - (case-insensitive).',
  }),
})

/** Single-coin reads: `coin` and `tokenomics`, both through the one dataset read handler. */
export const coinRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (
  app,
  { services },
) => {
  const querystring = readQuerySchema(services.config)

  app.get(
    '/v1/coins/:id',
    {
      preValidation: plainQueryNumbers(querystring),
      schema: {
        tags: [Tag.coins],
        summary: 'Market data for one coin (USD)',
        description:
          'Served from cache. A miss enqueues a fetch and waits up to `wait` ms for it; past that, ' +
          '503 FILL_PENDING with the job id.',
        params: CoinPath,
        querystring,
        response: dataResponses(coin.value.$id!, READ_ERRORS),
      },
    },
    datasetReadHandler(services, coin),
  )

  app.get(
    '/v1/coins/:id/tokenomics',
    {
      preValidation: plainQueryNumbers(querystring),
      schema: {
        tags: [Tag.coins],
        summary: 'Supply figures for one coin',
        description: 'Filled by the same provider call as the coin itself.',
        params: CoinPath,
        querystring,
        response: dataResponses(tokenomics.value.$id!, READ_ERRORS),
      },
    },
    datasetReadHandler(services, tokenomics),
  )
}
