import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox'
import { parsePublicJobId } from '@marketcache/shared/job-ids'
import { ApiError, errorResponses } from '../errors'
import { NoSecurity, Tag } from '../openapi'
import type { ApiServices } from '../services'

const Job = Type.Object({
  id: Type.String({ description: 'Public job id: <queue>.<id>' }),
  queue: Type.String(),
  name: Type.String({ description: 'e.g. coingecko.coin, coingecko.markets' }),
  state: Type.String({
    description: 'waiting, prioritized, active, delayed, completed, failed, …',
  }),
  attemptsMade: Type.Integer(),
  attempts: Type.Integer({ description: 'Attempts allowed before the failure is final.' }),
  failedReason: Type.Union([Type.String(), Type.Null()]),
  returnvalue: Type.Unknown({ description: "The worker's result, if any." }),
  createdAt: Type.String({ format: 'date-time' }),
  finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
})

/** `GET /v1/jobs/:id`: where a queued fetch stands. */
export const jobRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (
  app,
  { services },
) => {
  app.get(
    '/v1/jobs/:id',
    {
      schema: {
        operationId: 'getJob',
        tags: [Tag.jobs],
        summary: 'Status of a queued job',
        security: NoSecurity,
        description: 'Finished jobs are kept for a bounded time, then answer 404 JOB_NOT_FOUND.',
        params: Type.Object({
          id: Type.String({
            description: 'A job id from a 202 or a FILL_PENDING, e.g. coingecko.42',
          }),
        }),
        response: {
          200: Job,
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
        throw new ApiError('INVALID_PARAMS', 'id must be <queue>.<job id>, e.g. coingecko.42')
      }
      const job = await services.enqueuer.job(id)
      if (!job)
        throw new ApiError(
          'JOB_NOT_FOUND',
          `no job ${id} (finished jobs are removed after a while)`,
        )
      return job
    },
  )
}
