import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox'
import type { CacheStats } from '../cache-stats'
import { errorResponses } from '../errors'
import { NoSecurity, Tag } from '../openapi'

const ReadCounts = Type.Object({
  hits: Type.Integer(),
  misses: Type.Integer(),
  stale: Type.Integer(),
  not_found: Type.Integer(),
  hit_rate: Type.Union([Type.Number(), Type.Null()], {
    description: '(hits + stale) / (hits + stale + misses); null before the first read.',
  }),
})
const PerDataset = <T extends Parameters<typeof Type.Record>[1]>(value: T) =>
  Type.Record(Type.String(), value)

const StatsResponse = Type.Object({
  reads: Type.Object({ total: ReadCounts, datasets: PerDataset(ReadCounts) }),
  keys: PerDataset(
    Type.Integer({ description: 'Cache entries of the dataset, counted with SCAN.' }),
  ),
  memory: Type.Object({
    used_memory: Type.Integer(),
    used_memory_human: Type.String(),
    maxmemory: Type.Integer({ description: '0 means no limit.' }),
  }),
  provider_calls: Type.Record(Type.String(), Type.Integer(), {
    description: 'Calls made by the workers, by <provider>.<endpoint>.',
  }),
  calls_saved: Type.Integer({
    description: 'hits + stale: reads answered without a provider call.',
  }),
  generated_at: Type.String({
    format: 'date-time',
    description: 'Stats are cached for about 5 s.',
  }),
})

/** `GET /v1/cache/stats`. */
export const cacheStatsRoutes: FastifyPluginAsyncTypebox<{ stats: CacheStats }> = async (
  app,
  { stats },
) => {
  app.get(
    '/v1/cache/stats',
    {
      schema: {
        operationId: 'getCacheStats',
        tags: [Tag.cache],
        summary: 'Hit rates, key counts, memory and provider calls',
        security: NoSecurity,
        response: {
          200: StatsResponse,
          ...errorResponses(['RATE_LIMITED', 'BACKEND_UNAVAILABLE']),
        },
      },
    },
    async () => stats.get(),
  )
}
