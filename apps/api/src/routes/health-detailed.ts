import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox'
import { type QueueName, QueueName as Queues } from '@marketcache/shared/jobs'
import { Keys } from '@marketcache/shared/keys'
import type { RedisClient } from '@marketcache/shared/redis-client'
import type { Queue } from 'bullmq'
import { Scope } from '../api-keys'
import { errorResponses } from '../errors'
import { heartbeats, providerHealth, queueHealth, redisHealth } from '../health-detailed'
import { keySecurity, Tag } from '../openapi'
import type { ApiServices } from '../services'

/** What the report reads: both Redis servers, the queue handles and the key builders. */
interface Deps {
  cacheRedis: RedisClient
  queueRedis: RedisClient
  queues: Readonly<Record<QueueName, Queue>>
  keys: Keys
  queueKeys: Keys
}

const Section = (description: string) => Type.Record(Type.String(), Type.Unknown(), { description })

const DetailedHealth = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  problems: Type.Array(Type.String(), { description: 'What makes the status degraded.' }),
  redis: Type.Object({ cache: Section('The cache Redis'), queue: Section('The queue Redis') }),
  queues: Section('Each queue: counts by state, oldest waiting (s), live workers, pauses'),
  workers: Type.Array(Section('A worker process, from its heartbeat')),
  providers: Section('Each provider: last success and last failure, as the workers saw them'),
  generated_at: Type.String({ format: 'date-time' }),
})

/** Everything `/health/detailed` reports, and what in it is a problem. */
async function detailedHealth(deps: Deps) {
  const [cache, queue] = await Promise.all([
    redisHealth(deps.cacheRedis),
    redisHealth(deps.queueRedis),
  ])
  const problems: string[] = []
  if (!cache.up) problems.push(`the cache Redis does not answer: ${cache.error}`)
  if (!queue.up) problems.push(`the queue Redis does not answer: ${queue.error}`)
  if (queue.up && queue.maxmemory_policy !== 'noeviction') {
    problems.push(`the queue Redis evicts (maxmemory-policy ${queue.maxmemory_policy})`)
  }
  const workers = queue.up ? await heartbeats(deps.queueRedis, deps.queueKeys).catch(() => []) : []
  const queues: Record<string, unknown> = {}
  if (queue.up) {
    for (const name of Object.values(Queues)) {
      const live = workers.filter((w) => (w.queues as string[] | undefined)?.includes(name))
      if (live.length === 0) problems.push(`no live worker runs the ${name} queue`)
      queues[name] = await queueHealth(deps.queues[name], deps.queueRedis, live.length).catch(
        (error: Error) => ({
          error: error.message,
        }),
      )
    }
  }
  const providers = cache.up
    ? await providerHealth(deps.cacheRedis, deps.keys).catch(() => ({}))
    : {}
  return {
    status: problems.length === 0 ? ('ok' as const) : ('degraded' as const),
    problems,
    redis: { cache, queue },
    queues,
    workers,
    providers,
    generated_at: new Date().toISOString(),
  }
}

/** `GET /health/detailed` (scope `admin`): what an operator looks at when something is wrong. */
export const healthDetailedRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (
  app,
  { services },
) => {
  const deps: Deps = {
    cacheRedis: services.cacheRedis,
    queueRedis: services.queueRedis,
    queues: services.enqueuer.handles,
    keys: services.keys,
    queueKeys: new Keys(services.config.queuePrefix),
  }
  app.get(
    '/health/detailed',
    {
      onRequest: services.auth.require(Scope.admin),
      schema: {
        operationId: 'getDetailedHealth',
        tags: [Tag.health],
        summary: 'Each Redis, each queue, the live workers and the providers, for operators',
        description:
          'Always 200 when answered: `status` is `degraded` with the `problems` listed when a Redis does not answer, the queue Redis evicts, or a queue has no live worker. Needs the admin scope.',
        security: keySecurity(Scope.admin),
        response: {
          200: DetailedHealth,
          // Not rate limited, like every /health route (an admin key is needed anyway).
          ...errorResponses(['UNAUTHORIZED', 'FORBIDDEN']),
        },
      },
    },
    async () => detailedHealth(deps),
  )
}
