import { decodeEnvelope, ENVELOPE_FIELDS, type StoredEntry } from '@marketcache/shared/envelope'
import type { Redis } from 'ioredis'
import { backendFailure, onBackend } from './errors'

/**
 * The one place cache entries are read: one HMGET per key, decoded with the shared codec. The
 * API never writes entries, so there is nothing else here.
 */
export class CacheReader {
  constructor(private readonly redis: Redis) {}

  /** The entry at `key`, or null when absent. Throws BACKEND_UNAVAILABLE when Redis is away. */
  async read(key: string): Promise<StoredEntry | null> {
    const values = await onBackend('cache', () => this.redis.hmgetBuffer(key, ...ENVELOPE_FIELDS))
    return decodeEnvelope(values)
  }

  /** Only the entity tag of the entry at `key`: enough to tell whether a kept copy is current. */
  async etag(key: string): Promise<string | null> {
    return onBackend('cache', () => this.redis.hget(key, 'etag'))
  }

  /** Entries for many keys in one round trip, in the order of `keys`. */
  async readMany(keys: readonly string[]): Promise<(StoredEntry | null)[]> {
    if (keys.length === 0) return []
    const replies = await onBackend('cache', async () => {
      const pipeline = this.redis.pipeline()
      for (const key of keys) pipeline.hmgetBuffer(key, ...ENVELOPE_FIELDS)
      return (await pipeline.exec()) ?? []
    })
    return keys.map((_key, index) => {
      const [error, values] = replies[index] ?? [new Error('missing pipeline reply'), null]
      // A failure of one command inside the pipeline maps like a single read's.
      if (error) throw backendFailure('cache', error)
      return decodeEnvelope(values as (Buffer | null)[])
    })
  }
}
