import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox'
import { optionChain } from '@marketcache/shared/datasets/option-chain'
import { optionsSummary } from '@marketcache/shared/datasets/options-summary'
import { ChainFilterQuery, chainReadFilter } from '../chain-filters'
import { dataResponses, READ_ERRORS, Tag } from '../openapi'
import { exchangeParam, symbolParam } from '../path-params'
import { plainQueryNumbers } from '../query-numbers'
import { datasetReadHandler } from '../read-handler'
import { readQuerySchema } from '../read-query'
import type { ApiServices } from '../services'

const UnderlyingPath = Type.Object({
  exchange: exchangeParam('underlying'),
  underlying: symbolParam('underlying', 'The underlying'),
})

/**
 * `GET /v1/options/:exchange/:underlying/chain`: the full chain, cached once, filtered per read;
 * `…/summary`: per-expiry figures the worker derives from that chain.
 */
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
        params: UnderlyingPath,
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
  const summaryQuery = readQuerySchema(services.config)
  app.get(
    '/v1/options/:exchange/:underlying/summary',
    {
      preValidation: plainQueryNumbers(summaryQuery),
      schema: {
        tags: [Tag.analytics],
        summary: 'Options positioning and volatility of an underlying, per expiry',
        description:
          'Derived by the worker from the cached chain: put/call open-interest and volume ' +
          'ratios, ATM IV, 25-delta risk reversal and butterfly, max pain, and the ATM term ' +
          'structure. Sent as stored.',
        params: UnderlyingPath,
        querystring: summaryQuery,
        response: dataResponses(optionsSummary.value.$id!),
      },
    },
    datasetReadHandler(services, optionsSummary),
  )
}
