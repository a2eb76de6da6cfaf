import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox'
import { AGE_SAMPLE_PER_DATASET } from '../cache-census'
import { type CacheStats, TOP_KEYS_SHOWN } from '../cache-stats'
import { errorResponses } from '../errors'
import { NoSecurity, Tag } from '../openapi'
import { TOP_READS_KEPT } from '../read-telemetry'

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

const DataAge = Type.Object({
  oldest: Type.Number({ minimum: 0, description: 'Seconds since the oldest entry was fetched.' }),
  newest: Type.Number({ minimum: 0, description: 'Seconds since the newest entry was fetched.' }),
  mean: Type.Number({ minimum: 0 }),
  entries: Type.Integer({
    minimum: 1,
    description: `Entries the ages are over: the first ${AGE_SAMPLE_PER_DATASET} the scan finds.`,
  }),
})

const QuotaUse = Type.Object({
  used: Type.Integer({
    minimum: 0,
    description: 'Jobs started in the current window, at most max (max while the queue is paused).',
  }),
  max: Type.Integer({ minimum: 1, description: '<PROVIDER>_RATE_MAX.' }),
  remaining: Type.Integer({ minimum: 0 }),
  window_ms: Type.Integer({ minimum: 1, description: '<PROVIDER>_RATE_DURATION_MS.' }),
  resets_in_ms: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], {
    description: 'When the current window ends; null when none is open.',
  }),
})

const StatsResponse = Type.Object({
  reads: Type.Object({ total: ReadCounts, datasets: PerDataset(ReadCounts) }),
  l1: Type.Object(
    {
      hits: Type.Integer({ minimum: 0, description: "Lookups answered from a process's memory." }),
      misses: Type.Integer({ minimum: 0, description: 'Lookups that read Redis (L2).' }),
      hit_rate: Type.Union([Type.Number(), Type.Null()], {
        description: 'hits / (hits + misses); null before the first lookup.',
      }),
    },
    {
      description:
        'Entry lookups of every API process while its L1 was on (X-Cache-Layer L1 or L2), multi-gets included.',
    },
  ),
  keys: PerDataset(
    Type.Integer({ description: 'Cache entries of the dataset, counted with SCAN.' }),
  ),
  total_keys: Type.Integer({
    minimum: 0,
    description: 'Every cache key of the prefix, retired datasets and schema versions included.',
  }),
  top_keys: PerDataset(
    Type.Array(
      Type.Object({
        key: Type.String({
          description: 'The cache key, as update-cache and invalidation name it.',
        }),
        reads: Type.Integer({ minimum: 1 }),
      }),
      {
        maxItems: TOP_KEYS_SHOWN,
        description:
          `The dataset's ${TOP_KEYS_SHOWN} most-read keys, most read first: reads over every API ` +
          `process (hits, misses and not-founds alike), ranked among the ${TOP_READS_KEPT} kept.`,
      },
    ),
  ),
  age_seconds: PerDataset(
    Type.Union([DataAge, Type.Null()], {
      description:
        'Seconds since the entries were fetched (negative entries left out); null without data.',
    }),
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
  provider_quota: Type.Record(Type.String(), QuotaUse, {
    description: "Each provider queue's BullMQ limiter window, shared by every worker.",
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
        summary:
          'Hit rates, key counts, most-read keys, data age, memory, provider calls and quota',
        description:
          'Keys are counted with one SCAN of the cache; data ages are over at most ' +
          `${AGE_SAMPLE_PER_DATASET} entries per dataset, read in the same pass. Provider quota ` +
          "comes from the workers' BullMQ limiters in the queue Redis. Computed at most every 5 s.",
        security: NoSecurity,
        response: {
          200: StatsResponse,
          ...errorResponses(['UNKNOWN_PARAMETER', 'RATE_LIMITED', 'BACKEND_UNAVAILABLE']),
        },
      },
    },
    async () => stats.get(),
  )
}
