import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox'
import type { RedisClient } from '@marketcache/shared/redis-client'
import { ApiError, errorResponses, RetryAfterSeconds } from '../errors'
import { NoSecurity, Tag } from '../openapi'
import type { QueueRedisGuard } from '../queue-redis-guard'

/** Readiness waits at most this long for each PING, whatever the command timeout. */
const PING_TIMEOUT_MS = 300

async function answers(redis: RedisClient): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS)
  })
  const ping = redis.ping().then(
    (reply) => reply === 'PONG',
    () => false,
  )
  try {
    return await Promise.race([ping, timeout])
  } finally {
    clearTimeout(timer)
  }
}

const Status = Type.Object({
  status: Type.Literal('ok'),
  cache: Type.Optional(Type.Literal('up')),
  queue: Type.Optional(Type.Literal('up')),
})

/**
 * `/health` (liveness) and `/health/ready` (both Redis servers answer, and the queue Redis does
 * not evict).
 */
export const healthRoutes: FastifyPluginAsyncTypebox<{
  cacheRedis: RedisClient
  queueRedis: RedisClient
  queueGuard: QueueRedisGuard
}> = async (app, { cacheRedis, queueRedis, queueGuard }) => {
  app.get(
    '/health',
    {
      schema: {
        operationId: 'getLiveness',
        tags: [Tag.health],
        summary: 'Liveness: 200 while the process runs',
        security: NoSecurity,
        response: { 200: Status },
      },
    },
    async () => ({ status: 'ok' as const }),
  )

  app.get(
    '/health/ready',
    {
      schema: {
        operationId: 'getReadiness',
        tags: [Tag.health],
        security: NoSecurity,
        summary:
          'Readiness: 200 when the cache and queue Redis answer PING and the queue Redis is noeviction',
        response: { 200: Status, ...errorResponses(['BACKEND_UNAVAILABLE']) },
      },
    },
    async () => {
      const [cache, queue] = await Promise.all([answers(cacheRedis), answers(queueRedis)])
      if (!cache || !queue) {
        const down = [cache ? null : 'cache', queue ? null : 'queue'].filter(Boolean).join(' and ')
        throw new ApiError('BACKEND_UNAVAILABLE', `the ${down} Redis does not answer`, {
          headers: { 'retry-after': String(RetryAfterSeconds.backendUnavailable) },
        })
      }
      const problem = await queueGuard.problem()
      if (problem) {
        throw new ApiError('BACKEND_UNAVAILABLE', problem, {
          headers: { 'retry-after': String(RetryAfterSeconds.backendUnavailable) },
        })
      }
      return { status: 'ok' as const, cache: 'up' as const, queue: 'up' as const }
    },
  )
}
