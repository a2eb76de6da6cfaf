import { type FastifyPluginAsyncTypebox, type Static, Type } from '@fastify/type-provider-typebox'
import { type AnyDataset, type BatchFill, cacheKey, isPushed } from '@marketcache/shared/dataset'
import { coin } from '@marketcache/shared/datasets/coin'
import { parseCoinId } from '@marketcache/shared/datasets/coin-id'
import { InvalidParamError } from '@marketcache/shared/errors'
import { datasetNamed, datasetNames, entryParams } from '@marketcache/shared/registry'
import type { ApiKeyAuth } from '../auth'
import { ApiError, errorResponses } from '../errors'
import { COMMAND_ERRORS, keySecurity, Tag } from '../openapi'
import type { ApiServices } from '../services'

/** `{popular:true}` without a limit refreshes the top 50 by market cap. */
const DEFAULT_POPULAR_LIMIT = 50

/**
 * The shorthand bodies (`coin_id`, `coin_ids`, `popular`) address the coin dataset: its `fill`,
 * its batched fill (one `/coins/markets` call per page) and its top-N fill.
 */
const COIN_BATCH = coin.batch as Required<BatchFill<{ id: string }>>
const MARKETS_PAGE_SIZE = COIN_BATCH.maxItems

const CoinId = Type.String({ minLength: 1, maxLength: 64, description: 'CoinGecko coin id' })

const UpdateCacheBody = Type.Union([
  Type.Object({ coin_id: CoinId }, { additionalProperties: false, title: 'One coin' }),
  Type.Object(
    { coin_ids: Type.Array(CoinId, { minItems: 1, maxItems: MARKETS_PAGE_SIZE }) },
    { additionalProperties: false, title: 'Listed coins' },
  ),
  Type.Object(
    {
      popular: Type.Literal(true),
      limit: Type.Optional(
        Type.Integer({ minimum: 1, maximum: MARKETS_PAGE_SIZE, default: DEFAULT_POPULAR_LIMIT }),
      ),
    },
    { additionalProperties: false, title: 'Top coins by market cap' },
  ),
  Type.Object(
    {
      // `enum` documents; the handler checks it, with a message that lists the names.
      dataset: Type.String({ enum: datasetNames, description: 'A dataset name' }),
      params: Type.Object(
        {},
        {
          additionalProperties: Type.String(),
          description:
            'The dataset\'s params as on its read route, as strings, e.g. {"exchange": "bybit", ' +
            '"symbol": "BTCUSDT"} for spot, {"exchange": "bybit", "symbol": "BTCUSDT", ' +
            '"interval": "4h"} for ohlcv, {"underlying": "BTC"} for collar, {"symbol": ' +
            '"BTCUSDT", "rsi_period": "21"} for backtest (defaults applied as on GET /v1/backtests)',
        },
      ),
    },
    { additionalProperties: false, title: 'Any dataset' },
  ),
])
type UpdateCacheBody = Static<typeof UpdateCacheBody>

const JobItem = Type.Object({
  id: Type.String({ description: 'Job id, for GET /v1/jobs/{id}' }),
  dataset: Type.String(),
  key: Type.Union([Type.String(), Type.Null()], {
    description: 'The cache key the job fills; null when the job decides (popular).',
  }),
})

const BODY_SHAPES = `{"coin_id": id}, {"coin_ids": [1-${MARKETS_PAGE_SIZE} ids]}, {"popular": true, "limit"?: 1-${MARKETS_PAGE_SIZE}} or {"dataset": name, "params": {name: string}}`

/** A body id that cannot become a key is a bad body, not a bad path. */
function bodyCoinId(raw: string, field: string): string {
  try {
    return parseCoinId(raw, field)
  } catch (error) {
    if (error instanceof InvalidParamError) throw new ApiError('INVALID_BODY', error.message)
    throw error
  }
}

/** A body's `{dataset, params}`, checked like the dataset's read route checks its params. */
function bodyDataset(body: { dataset: string; params: Record<string, string> }) {
  try {
    const dataset = datasetNamed(body.dataset)
    if (isPushed(dataset)) {
      throw new ApiError(
        'INVALID_BODY',
        `${dataset.name} is pushed by producers, not fetched: POST /v1/push/${dataset.name}`,
      )
    }
    return { dataset, params: entryParams(dataset, body.params) }
  } catch (error) {
    if (error instanceof InvalidParamError) throw new ApiError('INVALID_BODY', error.message)
    throw error
  }
}

/** The jobs a body asks for, each with the dataset and key it refreshes. */
async function updateJobs({ keys, enqueuer }: ApiServices, body: UpdateCacheBody) {
  const item = (id: string, dataset: AnyDataset, params: object) => ({
    id,
    dataset: dataset.name,
    key: cacheKey(keys, dataset, params),
  })
  if ('dataset' in body) {
    const { dataset, params } = bodyDataset(body)
    return [item(await enqueuer.enqueue(dataset.fill(params), 'update'), dataset, params)]
  }
  if ('coin_id' in body) {
    const params = { id: bodyCoinId(body.coin_id, 'coin_id') }
    const jobId = await enqueuer.enqueue(coin.fill(params), 'update')
    // One fill writes every dataset it serves; list each key it refreshes.
    return [coin, ...(coin.fillsAlso ?? [])].map((dataset) => item(jobId, dataset, params))
  }
  if ('coin_ids' in body) {
    const ids = new Set(body.coin_ids.map((raw, index) => bodyCoinId(raw, `coin_ids[${index}]`)))
    const jobs = []
    for (const page of COIN_BATCH.fill([...ids].map((id) => ({ id })))) {
      const jobId = await enqueuer.enqueue(page.request, 'update')
      jobs.push(...page.params.map((params) => item(jobId, coin, params)))
    }
    return jobs
  }
  const request = COIN_BATCH.top(body.limit ?? DEFAULT_POPULAR_LIMIT)
  return [{ id: await enqueuer.enqueue(request, 'update'), dataset: coin.name, key: null }]
}

/** `POST /v1/update-cache`: enqueue fetches (origin `update`) and answer 202 with the jobs. */
export const updateCacheRoutes: FastifyPluginAsyncTypebox<{
  services: ApiServices
  auth: ApiKeyAuth
}> = async (app, { services, auth }) => {
  app.post(
    '/v1/update-cache',
    {
      onRequest: auth.require('write'),
      // Too many ids deserves its own code, not the generic "no shape matches".
      preValidation: async (request: { body: unknown }) => {
        const ids = (request.body as { coin_ids?: unknown } | null)?.coin_ids
        if (Array.isArray(ids) && ids.length > MARKETS_PAGE_SIZE) {
          throw new ApiError(
            'TOO_MANY_IDS',
            `at most ${MARKETS_PAGE_SIZE} coin_ids per request, got ${ids.length}`,
          )
        }
      },
      config: { bodyShapes: BODY_SHAPES },
      schema: {
        operationId: 'updateCache',
        tags: [Tag.commands],
        summary: 'Refresh cache entries now',
        description: `Body: exactly one of ${BODY_SHAPES}. Answers 202 with the queued jobs; duplicates of pending jobs return the pending job.`,
        security: keySecurity('write'),
        body: UpdateCacheBody,
        response: {
          202: Type.Object(
            { jobs: Type.Array(JobItem) },
            { description: 'Accepted: the jobs to poll.' },
          ),
          ...errorResponses([...COMMAND_ERRORS, 'TOO_MANY_IDS']),
        },
      },
    },
    async (request, reply) =>
      reply.code(202).send({ jobs: await updateJobs(services, request.body) }),
  )
}
