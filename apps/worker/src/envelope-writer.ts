import type { AnyDataset } from '@marketcache/shared/dataset'
import type { EntrySource } from '@marketcache/shared/envelope'
import { type Envelope, encodeEnvelope, encodeMeta } from '@marketcache/shared/envelope'
import type { InvalidationMode } from '@marketcache/shared/invalidation'
import type { Keys } from '@marketcache/shared/keys'
import { perKey, type RedisClient } from '@marketcache/shared/redis-client'
import type { Result } from 'ioredis'
import {
  INDEX_ENTRY_LUA,
  INVALIDATE_LUA,
  RECORD_ERROR_LUA,
  WRITE_ENVELOPE_LUA,
  WRITE_NOT_FOUND_LUA,
} from './envelope-scripts'

declare module 'ioredis' {
  interface RedisCommander<Context> {
    mcWriteEnvelope(key: string, ...args: (string | number | Buffer)[]): Result<number, Context>
    mcWriteNotFound(key: string, ...args: (string | number | Buffer)[]): Result<number, Context>
    mcRecordError(key: string, ...args: (string | number | Buffer)[]): Result<number, Context>
    mcInvalidate(key: string, ...args: (string | number | Buffer)[]): Result<number, Context>
    mcIndexEntry(key: string, ...args: (string | number | Buffer)[]): Result<number, Context>
  }
}

export interface EnvelopeEntry {
  key: string
  envelope: Envelope
  /** Which dataset entry this is (`entryOf` says), so a write can tell what depends on it. */
  subject?: { dataset: AnyDataset; params: Readonly<Record<string, unknown>> }
  /** The pushed dataset's index that lists this entry until its `freshUntil` (Keys.index). */
  index?: string
}

export interface EnvelopeWriterOptions {
  /**
   * Called after each `write` with the entries that won the asOf check, e.g. to recompute what
   * depends on them. It should not throw: the entries are written by then.
   */
  onWritten?(entries: readonly EnvelopeEntry[]): Promise<void>
  /** Counts each written entry by dataset (the worker's metrics). */
  metrics?: { entryWritten(dataset: string): void }
}

export interface NotFoundEntry {
  key: string
  /** The dataset's negative TTL. */
  negativeMs: number
}

export interface WriteOutcome {
  key: string
  /** False when the stored entry had a newer `asOf` and was kept. */
  written: boolean
}

/**
 * How long a deleted entry's `asOf` outlives it, so a write that was in flight when it was
 * deleted is still held to the CAS: longer than any job's provider call and retries take.
 */
const TOMBSTONE_MS = 600_000

/** X-Cache-Error is built from it: one printable line, bounded. */
const MAX_ERROR_LENGTH = 200

/**
 * The only writer of cache entries, for every dataset. Each call is one script on one key (safe on
 * Redis Cluster); a batch goes out through `perKey`: one pipeline on a single server, or parallel
 * commands that ioredis routes per slot on a cluster.
 */
export class EnvelopeWriter {
  readonly #redis: RedisClient
  readonly #keys: Keys
  readonly #onWritten: EnvelopeWriterOptions['onWritten']
  readonly #metrics: EnvelopeWriterOptions['metrics']

  constructor(redis: RedisClient, keys: Keys, options: EnvelopeWriterOptions = {}) {
    this.#redis = redis
    this.#keys = keys
    this.#onWritten = options.onWritten
    this.#metrics = options.metrics
    // ioredis sends EVALSHA and falls back to EVAL on NOSCRIPT, in pipelines too.
    const scripts = {
      mcWriteEnvelope: WRITE_ENVELOPE_LUA,
      mcWriteNotFound: WRITE_NOT_FOUND_LUA,
      mcRecordError: RECORD_ERROR_LUA,
      mcInvalidate: INVALIDATE_LUA,
      mcIndexEntry: INDEX_ENTRY_LUA,
    }
    for (const [name, lua] of Object.entries(scripts)) {
      if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: 1, lua })
    }
  }

  /**
   * Writes envelopes whose `asOf` is not older than what is stored, and announces each key. An
   * entry with an `index` is listed there first, so whoever its written event wakes finds it.
   */
  async write(entries: EnvelopeEntry | readonly EnvelopeEntry[]): Promise<WriteOutcome[]> {
    const list = Array.isArray(entries) ? entries : [entries as EnvelopeEntry]
    const channel = this.#keys.writtenChannel()
    const indexed = list.filter((entry) => entry.index !== undefined)
    const now = Date.now()
    await this.#batch(indexed, (client, { key, index, envelope }) =>
      client.mcIndexEntry(index as string, key, envelope.freshUntil, now),
    )
    const results = await this.#batch(list, (client, { key, envelope }) =>
      client.mcWriteEnvelope(
        key,
        envelope.asOf,
        Math.max(envelope.staleUntil, envelope.errorUntil),
        channel,
        envelope.etag,
        ...encodeEnvelope(envelope),
      ),
    )
    const outcomes = list.map(({ key }, i) => ({ key, written: results[i] === 1 }))
    const written = list.filter((_entry, i) => results[i] === 1)
    for (const { key } of written) {
      const dataset = this.#keys.datasetOf(key)
      if (dataset !== null) this.#metrics?.entryWritten(dataset)
    }
    if (this.#onWritten && written.length > 0) await this.#onWritten(written)
    return outcomes
  }

  /** Records that the provider does not know these ids; readers answer 404 until it expires. */
  async writeNotFound(
    entries: readonly NotFoundEntry[],
    source: EntrySource,
    now = Date.now(),
  ): Promise<void> {
    const channel = this.#keys.writtenChannel()
    const meta = encodeMeta({ notFound: true, fetchedAt: now, source })
    await this.#batch(entries, (client, { key, negativeMs }) =>
      client.mcWriteNotFound(key, Math.max(1, Math.round(negativeMs)), channel, meta),
    )
  }

  /**
   * Marks existing envelopes with a failed refresh. Returns the keys that had one to mark.
   * The message is reduced to one printable line, since the API sends it as a header.
   */
  async recordError(keys: readonly string[], message: string, now = Date.now()): Promise<string[]> {
    const channel = this.#keys.writtenChannel()
    const line = headerSafe(message)
    const results = await this.#batch(keys, (client, key) =>
      client.mcRecordError(key, line, now, channel),
    )
    return keys.filter((_key, i) => results[i] === 1)
  }

  /**
   * Deletes or soft-expires entries (see INVALIDATE_LUA) and announces each; returns how many
   * held an entry.
   */
  async invalidate(
    keys: readonly string[],
    mode: InvalidationMode,
    now = Date.now(),
  ): Promise<number> {
    const channel = this.#keys.writtenChannel()
    const results = await this.#batch(keys, (client, key) =>
      client.mcInvalidate(key, mode, now, channel, TOMBSTONE_MS),
    )
    return results.filter((result) => result === 1).length
  }

  async #batch<T>(
    items: readonly T[],
    command: Parameters<typeof perKey<T>>[2],
  ): Promise<unknown[]> {
    const replies = await perKey(this.#redis, items, command)
    return replies.map(([error, result]) => {
      if (error) throw error
      return result
    })
  }
}

function headerSafe(message: string): string {
  const line = message.replace(/[^\x20-\x7e]+/g, ' ').trim()
  return line.length > MAX_ERROR_LENGTH ? `${line.slice(0, MAX_ERROR_LENGTH - 3)}...` : line
}
