import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox'
import { optionChain } from '@marketcache/shared/datasets/option-chain'
import { ChainFilterQuery, chainReadFilter } from '../chain-filters'
import { dataResponses, READ_ERRORS, Tag } from '../openapi'
import { exchangeParam, symbolParam } from '../path-params'
import { plainQueryNumbers } from '../query-numbers'
import { datasetReadHandler, readQuerySchema } from '../read-handler'
import type { ApiServices } from '../services'

/** `GET /v1/options/:exchange/:underlying/chain`: the full chain, cached once, filtered per read. */
export const optionsRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (
  app,
  { services },
) => {
  const querystring = readQuerySchema(services.config, ChainFilterQuery)
  app.get(
    '/v1/options/:exchange/:underlying/chain',
    {
      preValidation: plainQueryNumbers(querystring),
      schema: {
        tags: [Tag.options],
        summary: 'Option chain of an underlying: expiries, strikes, calls and puts',
        description:
          'The whole chain is cached once per underlying; `expiry`, `minDays`, `maxDays`, ' +
          '`minStrike`, `maxStrike` and `right` select a subset at read time (expiries and strikes ' +
          'left empty are dropped). Without filters the stored bytes are sent as they are; with ' +
          'them the response has its own weak ETag per version and filter set.',
        params: Type.Object({
          exchange: exchangeParam('underlying'),
          underlying: symbolParam('underlying', 'The underlying'),
        }),
        querystring,
        response: dataResponses(
          optionChain.value.$id!,
          READ_ERRORS,
          'The cached chain: as stored without filters, else the subset the filters select.',
        ),
      },
    },
    datasetReadHandler(services, optionChain, { filter: chainReadFilter }),
  )
}
