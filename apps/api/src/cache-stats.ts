import type { Keys } from '@marketcache/shared/keys'
import { type DatasetName, datasetNames } from '@marketcache/shared/registry'
import type { Redis } from 'ioredis'
import { onBackend } from './errors'
import type { ReadTelemetry } from './read-telemetry'

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
  keys: Record<DatasetName, number>
  memory: { used_memory: number; used_memory_human: string; maxmemory: number }
  provider_calls: Record<string, number>
  /** Reads answered from cache that would otherwise have been provider calls. */
  calls_saved: number
  generated_at: string
}

/** Stats are scans; computing them more often than this buys nothing. */
const STATS_TTL_MS = 5000

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

function infoField(info: string, name: string): string | undefined {
  return new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim()
}

/** `GET /v1/cache/stats`, computed at most once per STATS_TTL_MS however many ask. */
export class CacheStats {
  private cached: { at: number; view: Promise<CacheStatsView> } | undefined

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly telemetry: ReadTelemetry,
  ) {}

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
    // This replica's counts of the last second are part of the answer.
    await this.telemetry.flush()
    return onBackend('cache', async () => {
      const [readFields, callFields, info, keyCounts] = await Promise.all([
        this.redis.hgetall(this.keys.readStats()),
        this.redis.hgetall(this.keys.providerCalls()),
        this.redis.info('memory'),
        this.countKeys(),
      ])
      const datasets = Object.fromEntries(
        datasetNames.map((name) => [name, readCounts(readFields, name)]),
      ) as Record<DatasetName, ReadCounts>
      const total = sumCounts(Object.values(datasets))
      return {
        reads: { total, datasets },
        keys: Object.fromEntries(
          datasetNames.map((name) => [name, keyCounts.get(name) ?? 0]),
        ) as Record<DatasetName, number>,
        memory: {
          used_memory: Number(infoField(info, 'used_memory') ?? 0),
          used_memory_human: infoField(info, 'used_memory_human') ?? '',
          maxmemory: Number(infoField(info, 'maxmemory') ?? 0),
        },
        provider_calls: Object.fromEntries(
          Object.entries(callFields).map(([field, value]) => [field, Number(value) || 0]),
        ),
        calls_saved: total.hits + total.stale,
        generated_at: new Date().toISOString(),
      }
    })
  }

  /**
   * Keys per dataset in ONE pass: SCAN, never KEYS, since the cache may hold millions of entries
   * and serve reads meanwhile; one scan classified by key, not one scan per dataset.
   */
  private async countKeys(): Promise<Map<string, number>> {
    const counts = new Map<string, number>()
    let cursor = '0'
    do {
      const [next, found] = await this.redis.scan(
        cursor,
        'MATCH',
        this.keys.cachePattern(),
        'COUNT',
        1000,
      )
      cursor = next
      for (const key of found) {
        const dataset = this.keys.datasetOf(key)
        if (dataset !== null) counts.set(dataset, (counts.get(dataset) ?? 0) + 1)
      }
    } while (cursor !== '0')
    return counts
  }
}
