import { readEntries, readEntry } from '@marketcache/shared/entry-read'
import { decodeMeta, type StoredEntry } from '@marketcache/shared/envelope'
import type { RedisClient } from '@marketcache/shared/redis-client'
import { onBackend } from './errors'
import type { L1Cache, L1Read } from './l1'

/** Where an entry came from: this process's memory, or Redis. */
export type CacheLayer = 'L1' | 'L2'

/** An entry as read (null when absent), and the layer that answered. */
export interface CacheLookup {
  entry: StoredEntry | null
  layer: CacheLayer
}

/**
 * The one place the API reads cache entries: from this process's L1 when it holds a copy, else
 * from Redis with the shared entry-read (one HMGET per key), kept in L1. The API never writes
 * entries, so there is nothing else here.
 */
export class CacheReader {
  constructor(
    private readonly redis: RedisClient,
    private readonly l1?: L1Cache,
  ) {}

  /** The entry at `key`, or null when absent. Throws BACKEND_UNAVAILABLE when Redis is away. */
  async read(key: string): Promise<StoredEntry | null> {
    return (await this.lookup(key)).entry
  }

  /** `read`, and which layer answered. */
  async lookup(key: string): Promise<CacheLookup> {
    const now = Date.now()
    const copy = this.l1?.get(key, now)
    if (copy) return { entry: copy, layer: 'L1' }
    const read = this.l1?.begin(key) ?? null
    let entry: StoredEntry | null = null
    try {
      entry = await onBackend('cache', () => readEntry(this.redis, key))
      return { entry, layer: 'L2' }
    } finally {
      this.l1?.keep(read, entry, now)
    }
  }

  /**
   * Up to `limit` entry keys of a pushed dataset's index (Keys.index) listed past `after`
   * (epoch ms), soonest first. Members are only candidates: read each entry to confirm it.
   */
  async indexed(indexKey: string, after: number, limit: number): Promise<string[]> {
    return onBackend('cache', () =>
      this.redis.zrangebyscore(indexKey, `(${after}`, '+inf', 'LIMIT', 0, limit),
    )
  }

  /** Only the entity tag of the entry at `key`: enough to tell whether a kept copy is current. */
  async etag(key: string): Promise<string | null> {
    // `etag` is the field of a hash still in the layout before `meta` (legacy-envelope).
    const [meta = null, legacy = null] = await onBackend('cache', () =>
      this.redis.hmget(key, 'meta', 'etag'),
    )
    return meta === null ? legacy : (decodeMeta(meta)?.etag ?? null)
  }

  /** Entries for many keys, in the order of `keys`; Redis is asked only for those L1 lacks. */
  async readMany(keys: readonly string[]): Promise<(StoredEntry | null)[]> {
    if (keys.length === 0) return []
    const now = Date.now()
    const entries: (StoredEntry | null)[] = keys.map((key) => this.l1?.get(key, now) ?? null)
    const missing = keys.flatMap((key, index) => (entries[index] ? [] : [{ key, index }]))
    if (missing.length === 0) return entries
    const reads: (L1Read | null)[] = missing.map(({ key }) => this.l1?.begin(key) ?? null)
    try {
      const found = await onBackend('cache', () =>
        readEntries(
          this.redis,
          missing.map(({ key }) => key),
        ),
      )
      missing.forEach(({ index }, n) => {
        entries[index] = found[n] ?? null
      })
      return entries
    } finally {
      missing.forEach(({ index }, n) => {
        this.l1?.keep(reads[n] ?? null, entries[index] ?? null, now)
      })
    }
  }
}
