import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { collar } from '@marketcache/shared/datasets/collar'
import { CollarQuery, CollarResponse, collarReadFilter } from '../collar-view'
import { dataResponses, READ_ERRORS, Tag } from '../openapi'
import { plainQueryNumbers } from '../query-numbers'
import { datasetReadHandler } from '../read-handler'
import { readQuerySchema } from '../read-query'
import type { ApiServices } from '../services'

/** `GET /v1/crypto-collar`: every collar of an underlying, cached once, selected per read. */
export const cryptoCollarRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (
  app,
  { services },
) => {
  const querystring = readQuerySchema(services.config, CollarQuery)
  app.get(
    '/v1/crypto-collar',
    {
      preValidation: plainQueryNumbers(querystring),
      schema: {
        tags: [Tag.analytics],
        summary: 'Protective collars of an underlying, ranked',
        description:
          'Computed by the worker from the cached option chain and spot; every valid ' +
          'put/call combination is cached once per underlying. `min_days`, `max_days`, ' +
          '`min_gain_to_risk`, `sort` and `limit` select and order them at read time; the answer ' +
          'is always this view (weak ETag per version and filter set), never the stored set. ' +
          'A fresh set is served STALE (and recomputed) once the cached spot has moved more than ' +
          'COLLAR_SPOT_MOVE_PCT (default 5 %) from the spot it was computed with.',
        querystring,
        response: dataResponses(
          CollarResponse.$id!,
          READ_ERRORS,
          'The selected collars with the metadata of the cached set.',
        ),
      },
    },
    datasetReadHandler(services, collar, {
      queryParams: ['underlying', 'exchange'],
      filter: collarReadFilter,
    }),
  )
}
