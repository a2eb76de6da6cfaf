import { type FastifyPluginAsyncTypebox, type Static, Type } from '@fastify/type-provider-typebox'
import { InvalidParamError } from '@marketcache/shared/errors'
import { type InvalidationTarget, invalidationScope } from '@marketcache/shared/invalidation'
import { datasetNames } from '@marketcache/shared/registry'
import type { ApiKeyAuth } from '../auth'
import { ApiError, errorResponses } from '../errors'
import { COMMAND_ERRORS, keySecurity, Tag } from '../openapi'
import type { ApiServices } from '../services'

const Strings = (description: string) =>
  Type.Record(Type.String(), Type.String({ maxLength: 256 }), { description })

const InvalidateBody = Type.Object(
  {
    mode: Type.Union([Type.Literal('delete'), Type.Literal('expire')], {
      description:
        '`delete` removes the entries (the next read is a MISS); `expire` ends their fresh window now, so they are served STALE while one refresh runs',
    }),
    dataset: Type.Optional(Type.String({ enum: datasetNames, description: 'A dataset name' })),
    params: Type.Optional(
      Strings('One entry: the params as on its read route, e.g. {"underlying": "BTC"} for collar'),
    ),
    match: Type.Optional(
      Strings(
        'Every entry of the dataset whose params have these values (any letter case), e.g. {"underlying": "BTC"}',
      ),
    ),
    all: Type.Optional(Type.Literal(true, { description: 'Every entry of every dataset' })),
  },
  { additionalProperties: false },
)
type InvalidateBody = Static<typeof InvalidateBody>

const BODY_SHAPES =
  '{"mode", "dataset", "params"}, {"mode", "dataset", "match"}, {"mode", "dataset"} or {"mode", "all": true}'

/** The one target a body names; the key builder then checks it as the worker will run it. */
function targetOf(body: InvalidateBody): InvalidationTarget {
  const { dataset, params, match, all } = body
  const named = [params && 'params', match && 'match', all && 'all'].filter(Boolean)
  if (named.length > 1)
    throw new ApiError(
      'INVALID_BODY',
      `give one of params, match or all, not ${named.join(' and ')}`,
    )
  if (all) {
    if (dataset !== undefined) throw new ApiError('INVALID_BODY', 'all takes no dataset')
    return { all: true }
  }
  if (dataset === undefined)
    throw new ApiError('INVALID_BODY', `body must be one of ${BODY_SHAPES}`)
  if (params) return { dataset, params }
  if (match) return { dataset, match }
  return { dataset }
}

/** `POST /v1/cache/invalidate`: a `control.invalidate` job, answered 202 with its id. */
export const cacheInvalidateRoutes: FastifyPluginAsyncTypebox<{
  services: ApiServices
  auth: ApiKeyAuth
}> = async (app, { services, auth }) => {
  // When each invalidation was asked for, strictly increasing in this process: it is part of the
  // job's data, so two requests, even identical ones within one millisecond, are two jobs.
  // (Across replicas two identical ones of the same millisecond may share one: they do the same.)
  let lastAskedAt = 0
  const askedAt = () => {
    lastAskedAt = Math.max(Date.now(), lastAskedAt + 1)
    return lastAskedAt
  }
  app.post(
    '/v1/cache/invalidate',
    {
      onRequest: auth.require('admin'),
      config: { bodyShapes: BODY_SHAPES },
      schema: {
        operationId: 'invalidateCache',
        tags: [Tag.commands],
        summary: 'Delete or soft-expire cache entries',
        description: `Body: ${BODY_SHAPES}. Runs as a job on the control queue; its result (GET /v1/jobs/{id}) counts the entries touched, and the derived ones (collars, summaries) soft-expired with their inputs. Needs the admin scope.`,
        security: keySecurity('admin'),
        body: InvalidateBody,
        response: {
          202: Type.Object(
            {
              job: Type.Object({ id: Type.String({ description: 'For GET /v1/jobs/{id}' }) }),
              mode: Type.String(),
              key: Type.Union([Type.String(), Type.Null()], {
                description: 'The one key a params body names; null for the other forms.',
              }),
            },
            { description: 'Accepted: the job to poll.' },
          ),
          ...errorResponses(COMMAND_ERRORS),
        },
      },
    },
    async (request, reply) => {
      const target = targetOf(request.body)
      let key: string | null = null
      try {
        const scope = invalidationScope(services.keys, target)
        if ('key' in scope) key = scope.key
      } catch (error) {
        if (error instanceof InvalidParamError) throw new ApiError('INVALID_BODY', error.message)
        throw error
      }
      const data = { mode: request.body.mode, target, at: askedAt() }
      const id = await services.enqueuer.enqueue(
        { queue: 'control', name: 'control.invalidate', data },
        'update',
      )
      return reply.code(202).send({ job: { id }, mode: request.body.mode, key })
    },
  )
}
