import { type AnyDataset, cacheKey } from '@marketcache/shared/dataset'
import { readEntries } from '@marketcache/shared/entry-read'
import type { Envelope, StoredEntry } from '@marketcache/shared/envelope'
import type { Keys } from '@marketcache/shared/keys'
import { type RedisClient, scanKeys } from '@marketcache/shared/redis-client'
import type { Static } from '@sinclair/typebox'

/**
 * The worker's read of entries it has written, for jobs built on other datasets (a chain on its
 * instruments, analytics on their inputs), with the same shared entry-read as the API's reader.
 */
export class CacheReader {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}

  /** The stored entry (an envelope or a negative entry), or null when absent. */
  async entry<D extends AnyDataset>(
    dataset: D,
    params: Static<D['params']>,
  ): Promise<StoredEntry | null> {
    const [entry] = await this.entries([cacheKey(this.keys, dataset, params)])
    return entry ?? null
  }

  /** The stored entries of cache keys, in order (null where absent). */
  async entries(keys: readonly string[]): Promise<(StoredEntry | null)[]> {
    return readEntries(this.redis, keys)
  }

  /** The keys matching a SCAN pattern, in batches of about `count` (each key once or more). */
  async *scan(pattern: string, count = 500): AsyncGenerator<string[]> {
    // A cluster's keys are spread over its masters: each is scanned in turn.
    for await (const { keys } of scanKeys(this.redis, pattern, count)) yield keys
  }

  /** The current envelope of a dataset entry, or null when absent or negative. */
  async envelope<D extends AnyDataset>(
    dataset: D,
    params: Static<D['params']>,
  ): Promise<Envelope | null> {
    const entry = await this.entry(dataset, params)
    return entry === null || 'notFound' in entry ? null : entry
  }

  /** The parsed value of a dataset entry, or null; the caller trusts what the worker wrote. */
  async value<D extends AnyDataset>(
    dataset: D,
    params: Static<D['params']>,
  ): Promise<{ value: Static<D['value']>; envelope: Envelope } | null> {
    const envelope = await this.envelope(dataset, params)
    return envelope === null
      ? null
      : { value: JSON.parse(envelope.data) as Static<D['value']>, envelope }
  }
}
