import type { ProviderName } from '@marketcache/shared/providers'
import { masterNodes, type RedisClient } from '@marketcache/shared/redis-client'
import { type DatasetName, datasetNames } from '@marketcache/shared/registry'
import { type DataAge, takeCensus } from './cache-census'
import { onBackend } from './errors'
import { ProviderQuota, type QuotaUse } from './provider-quota'
import { L1_FIELDS } from './read-telemetry'
import type { ApiServices } from './services'

export interface ReadCounts {
  hits: number
  misses: number
  stale: number
  not_found: number
  /** (hits + stale) / (hits + stale + misses); null before the first read. */
  hit_rate: number | null
}

export interface CacheStatsView {
  reads: { total: ReadCounts; datasets: Record<DatasetName, ReadCounts> }
  /**
   * Entry lookups of every API process while its L1 was on: answered from its memory (hits) or
   * read from Redis (misses); `hit_rate` is null before the first.
   */
  l1: { hits: number; misses: number; hit_rate: number | null }
  keys: Record<DatasetName, number>
  /** Every cache key of the prefix, retired datasets and schema versions included. */
  total_keys: number
  /**
   * Each dataset's most-read keys, most read first (at most TOP_KEYS_SHOWN), with their reads
   * over every API process since the counts began (approximate for rarely read keys).
   */
  top_keys: Record<DatasetName, { key: string; reads: number }[]>
  /** Seconds since the entries were fetched; null for a dataset without data cached. */
  age_seconds: Record<DatasetName, DataAge | null>
  memory: { used_memory: number; used_memory_human: string; maxmemory: number }
  provider_calls: Record<string, number>
  /** Reads answered from cache that would otherwise have been provider calls. */
  calls_saved: number
  /** Each provider queue's limiter window: jobs started in it out of the configured max. */
  provider_quota: Record<ProviderName, QuotaUse>
  generated_at: string
}

/** Stats are scans; computing them more often than this buys nothing. */
const STATS_TTL_MS = 5000

/** Most-read keys listed per dataset. */
export const TOP_KEYS_SHOWN = 20

function readCounts(fields: Record<string, string>, prefix: string): ReadCounts {
  const count = (outcome: string) => Number(fields[`${prefix}.${outcome}`] ?? 0) || 0
  const hits = count('hit')
  const stale = count('stale')
  const misses = count('miss')
  const served = hits + stale + misses
  return {
    hits,
    misses,
    stale,
    not_found: count('not_found'),
    hit_rate: served === 0 ? null : (hits + stale) / served,
  }
}

function sumCounts(all: ReadCounts[]): ReadCounts {
  const total = { hits: 0, misses: 0, stale: 0, not_found: 0 }
  for (const counts of all) {
    total.hits += counts.hits
    total.misses += counts.misses
    total.stale += counts.stale
    total.not_found += counts.not_found
  }
  const served = total.hits + total.stale + total.misses
  return { ...total, hit_rate: served === 0 ? null : (total.hits + total.stale) / served }
}

function l1Counts(fields: Record<string, string>): CacheStatsView['l1'] {
  const hits = Number(fields[L1_FIELDS.hit] ?? 0) || 0
  const misses = Number(fields[L1_FIELDS.miss] ?? 0) || 0
  return { hits, misses, hit_rate: hits + misses === 0 ? null : hits / (hits + misses) }
}

function infoField(info: string, name: string): string | undefined {
  return new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim()
}

/** Bytes as Redis' `used_memory_human` writes them: `1.50M`. */
function humanBytes(bytes: number): string {
  const units = ['B', 'K', 'M', 'G', 'T']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${value}B` : `${value.toFixed(2)}${units[unit]}`
}

/** The cache's memory from INFO: one server's, or summed over a cluster's masters. */
async function memoryOf(redis: RedisClient): Promise<CacheStatsView['memory']> {
  const infos = await Promise.all(masterNodes(redis).map((node) => node.info('memory')))
  const sum = (name: string) =>
    infos.reduce((total, info) => total + Number(infoField(info, name) ?? 0), 0)
  const used = sum('used_memory')
  const human = infos.length === 1 ? infoField(infos[0] as string, 'used_memory_human') : undefined
  return {
    used_memory: used,
    used_memory_human: human ?? humanBytes(used),
    maxmemory: sum('maxmemory'),
  }
}

/** `GET /v1/cache/stats`, computed at most once per STATS_TTL_MS however many ask. */
export class CacheStats {
  private cached: { at: number; view: Promise<CacheStatsView> } | undefined
  private readonly quota: ProviderQuota

  constructor(
    private readonly services: Pick<
      ApiServices,
      'cacheRedis' | 'queueRedis' | 'keys' | 'telemetry' | 'enqueuer' | 'config'
    >,
  ) {
    const { queueRedis, enqueuer, config } = services
    this.quota = new ProviderQuota(queueRedis, enqueuer.handles, config.providerRates)
  }

  get(): Promise<CacheStatsView> {
    const now = Date.now()
    if (this.cached && now - this.cached.at < STATS_TTL_MS) return this.cached.view
    const view = this.compute()
    this.cached = { at: now, view }
    // A failed computation is not worth remembering.
    view.catch(() => {
      if (this.cached?.view === view) this.cached = undefined
    })
    return view
  }

  private async compute(): Promise<CacheStatsView> {
    const { cacheRedis: redis, keys, telemetry } = this.services
    // This replica's counts of the last second are part of the answer.
    await telemetry.flush()
    const quota = onBackend('queue', () => this.quota.read())
    // Settled either way, so a failure of one backend never goes unhandled while the other runs.
    quota.catch(() => {})
    return onBackend('cache', async () => {
      const [readFields, callFields, memory, census, topKeys] = await Promise.all([
        redis.hgetall(keys.readStats()),
        redis.hgetall(keys.providerCalls()),
        memoryOf(redis),
        takeCensus(redis, keys),
        Promise.all(datasetNames.map((name) => mostRead(redis, keys.topReads(name)))),
      ])
      const datasets = perDataset((name) => readCounts(readFields, name))
      const total = sumCounts(Object.values(datasets))
      return {
        reads: { total, datasets },
        l1: l1Counts(readFields),
        keys: perDataset((name) => census.keys.get(name) ?? 0),
        total_keys: census.total,
        top_keys: perDataset((name) => topKeys[datasetNames.indexOf(name)] ?? []),
        age_seconds: perDataset((name) => census.ages.get(name) ?? null),
        memory,
        provider_calls: Object.fromEntries(
          Object.entries(callFields).map(([field, value]) => [field, Number(value) || 0]),
        ),
        calls_saved: total.hits + total.stale,
        provider_quota: await quota,
        generated_at: new Date().toISOString(),
      }
    })
  }
}

/** The most-read keys in one top-reads sorted set, most read first. */
async function mostRead(
  redis: ApiServices['cacheRedis'],
  key: string,
): Promise<{ key: string; reads: number }[]> {
  const flat = await redis.zrevrange(key, 0, TOP_KEYS_SHOWN - 1, 'WITHSCORES')
  const top: { key: string; reads: number }[] = []
  for (let i = 0; i + 1 < flat.length; i += 2) {
    top.push({ key: flat[i] as string, reads: Number(flat[i + 1]) })
  }
  return top
}

/** One value per registered dataset, so a dataset without entries is listed too. */
function perDataset<T>(value: (name: DatasetName) => T): Record<DatasetName, T> {
  const entries = datasetNames.map((name) => [name, value(name)] as const)
  return Object.fromEntries(entries) as Record<DatasetName, T>
}
