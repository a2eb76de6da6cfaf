import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox'
import { cacheKey } from '@marketcache/shared/dataset'
import { backtest } from '@marketcache/shared/datasets/backtest'
import { parsePublicJobId } from '@marketcache/shared/job-ids'
import type { ApiKeyAuth } from '../auth'
import { BATCH_MAX_SYMBOLS, BatchBody, parseBatch } from '../backtest-params'
import { ApiError, errorResponses } from '../errors'
import { COMMAND_ERRORS, keySecurity, NoSecurity, Tag } from '../openapi'
import type { ApiServices } from '../services'

const BatchAccepted = Type.Object(
  {
    batch: Type.Object({
      id: Type.String({
        description: 'The batch (its parent job), for GET /v1/backtests/batch/{id}.',
      }),
      total: Type.Integer({ description: 'Backtests in the batch: one per symbol.' }),
    }),
    jobs: Type.Array(
      Type.Object({
        id: Type.String({ description: 'The backtest job, for GET /v1/jobs/{id}.' }),
        dataset: Type.Literal('backtest'),
        key: Type.String({ description: 'The cache entry it fills (GET /v1/backtests).' }),
      }),
      { description: 'One per symbol, in request order.' },
    ),
  },
  { description: 'Accepted: the batch and its backtests.' },
)

const BatchStatus = Type.Object({
  id: Type.String(),
  state: Type.String({
    description:
      'The batch job: waiting-children while backtests run, then prioritized/active, completed or failed.',
  }),
  total: Type.Integer(),
  completed: Type.Integer({ description: 'Backtests finished with a result.' }),
  failed: Type.Integer({ description: 'Backtests that failed after their last attempt.' }),
  pending: Type.Integer({ description: 'Backtests not finished yet.' }),
  results: Type.Array(Type.Unknown(), {
    description:
      "Completed backtests in the order of the batch's symbols, each {symbol, key, total_return, " +
      'sharpe, max_drawdown, trade_count}: as the batch job returned them once it has completed, ' +
      'else those finished so far.',
  }),
})

type App = Parameters<FastifyPluginAsyncTypebox>[0]

/** `POST /v1/backtests/batch` (one flow: a parent and a backtest per symbol) and its status. */
export const backtestBatchRoutes: FastifyPluginAsyncTypebox<{
  services: ApiServices
  auth: ApiKeyAuth
}> = async (app, { services, auth }) => {
  startBatchRoute(app, services, auth)
  batchStatusRoute(app, services)
}

function startBatchRoute(app: App, { keys, batches }: ApiServices, auth: ApiKeyAuth): void {
  app.post(
    '/v1/backtests/batch',
    {
      onRequest: auth.require('write'),
      // A long list deserves a message that says so, not the generic schema one.
      preValidation: async (request: { body: unknown }) => {
        const symbols = (request.body as { symbols?: unknown } | null)?.symbols
        if (Array.isArray(symbols) && symbols.length > BATCH_MAX_SYMBOLS) {
          throw new ApiError(
            'INVALID_BODY',
            `at most ${BATCH_MAX_SYMBOLS} symbols per batch, got ${symbols.length}`,
          )
        }
      },
      schema: {
        operationId: 'startBacktestBatch',
        tags: [Tag.analytics],
        summary: 'Run one backtest per symbol, as a batch',
        description:
          `Body: \`symbols\` (1-${BATCH_MAX_SYMBOLS} distinct pairs) and the parameters of ` +
          'GET /v1/backtests except `symbol`, validated the same way; on any error nothing is ' +
          'enqueued. The backtests run as children of one batch job, at update priority; a ' +
          'failed backtest does not fail the batch.',
        security: keySecurity('write'),
        body: BatchBody,
        response: {
          202: BatchAccepted,
          ...errorResponses(COMMAND_ERRORS),
        },
      },
    },
    async (request, reply) => {
      const batch = parseBatch(request.body)
      const added = await batches.add(batch)
      return reply.code(202).send({
        batch: { id: added.id, total: batch.runs.length },
        jobs: batch.runs.map((params, index) => ({
          id: added.jobs[index]!,
          dataset: 'backtest' as const,
          key: cacheKey(keys, backtest, params),
        })),
      })
    },
  )
}

function batchStatusRoute(app: App, { batches }: ApiServices): void {
  app.get(
    '/v1/backtests/batch/:id',
    {
      schema: {
        operationId: 'getBacktestBatch',
        tags: [Tag.analytics],
        summary: 'Progress and results of a backtest batch',
        security: NoSecurity,
        description: 'Finished batches are kept for a bounded time, then answer 404 JOB_NOT_FOUND.',
        params: Type.Object({
          id: Type.String({ description: 'The batch id from the 202, e.g. derive.3f2a…' }),
        }),
        response: {
          200: BatchStatus,
          ...errorResponses([
            'UNKNOWN_PARAMETER',
            'INVALID_PARAMS',
            'JOB_NOT_FOUND',
            'RATE_LIMITED',
            'BACKEND_UNAVAILABLE',
          ]),
        },
      },
    },
    async (request) => {
      const { id } = request.params
      if (!parsePublicJobId(id)) {
        throw new ApiError('INVALID_PARAMS', 'id must be a batch id such as derive.<job id>')
      }
      const batch = await batches.get(id)
      if (!batch) {
        throw new ApiError(
          'JOB_NOT_FOUND',
          `no backtest batch ${id} (finished batches are removed after a while)`,
        )
      }
      return batch
    },
  )
}
