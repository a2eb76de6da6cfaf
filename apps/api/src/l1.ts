import type { StoredEntry } from '@marketcache/shared/envelope'

/** What a cached copy costs beyond its value's bytes (the object, its key, the map slot). */
const ENTRY_OVERHEAD_BYTES = 256

interface Copy {
  entry: StoredEntry
  bytes: number
  /** When it was read from Redis (epoch ms): copies older than `maxAgeMs` are not served. */
  readAt: number
  /** Its place in the use order (`L1Cache.#order` when it last moved to the end). */
  order: number
}

/** A read of Redis under way for a key: a write announced meanwhile makes its result unkeepable. */
export interface L1Read {
  key: string
  dirty: boolean
}

export interface L1Options {
  /** Bytes the copies may take, estimated from their values; 0 turns L1 off. */
  maxBytes: number
  /** Longest a copy lives without a Redis read, whatever the events say. */
  maxAgeMs: number
}

/**
 * The in-process layer in front of Redis: decoded entries by cache key, least recently used
 * dropped first once `maxBytes` is reached. It is kept coherent by the written events every
 * write, invalidation and not-found publishes (`drop`); while the subscription is down events may
 * be missed, so it is emptied and bypassed until it is back (`suspend`, `resume`). A read of
 * Redis registers first (`begin`) and keeps its result only if no event for that key came in
 * between (`keep`), so a copy is never older than a version this process was told about.
 */
export class L1Cache {
  readonly #copies = new Map<string, Copy>()
  readonly #reads = new Map<string, Set<L1Read>>()
  #bytes = 0
  /** Counts moves to the end of the use order; a copy's `order` is the count when it moved. */
  #order = 0
  /** Off until the written-event subscription is confirmed (`resume`). */
  #live = false
  hits = 0
  misses = 0

  constructor(private readonly options: L1Options) {}

  get enabled(): boolean {
    return this.options.maxBytes > 0 && this.#live
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.#copies.size, bytes: this.#bytes }
  }

  /**
   * The copy of `key`, unless it is older than `maxAgeMs`; counts the hit or miss. While the
   * layer is off or bypassed nothing is counted: the lookups only count while L1 is on.
   */
  get(key: string, now: number): StoredEntry | null {
    const entry = this.peek(key, now)
    if (entry !== null) this.used(key)
    else if (this.enabled) this.misses++
    return entry
  }

  /**
   * The copy of `key` as `get` finds it, without counting it or marking it used: for the hit
   * fast lane, which may leave the request to the full read path (which then `get`s it).
   */
  peek(key: string, now: number): StoredEntry | null {
    if (!this.enabled) return null
    const copy = this.#copies.get(key)
    if (!copy || now - copy.readAt > this.options.maxAgeMs) {
      if (copy) this.#remove(key, copy)
      return null
    }
    return copy.entry
  }

  /**
   * The copy `peek` found answered a read: a hit, and recently used. Copies are kept in use order
   * (Map keeps insertion order, least recent first), but a copy moves to the end only when it is
   * read in the older half: a hot key does not pay a delete and an insert on every hit, and a
   * copy left in the newer half has the whole older half ahead of it for eviction.
   */
  used(key: string): void {
    const copy = this.#copies.get(key)
    if (!copy) return
    this.hits++
    if (this.#order - copy.order <= this.#copies.size / 2) return
    this.#copies.delete(key)
    this.#copies.set(key, copy)
    copy.order = ++this.#order
  }

  /** Registers a read of Redis for `key`, before it is sent. */
  begin(key: string): L1Read | null {
    if (!this.enabled) return null
    const read = { key, dirty: false }
    const reads = this.#reads.get(key) ?? new Set()
    reads.add(read)
    this.#reads.set(key, reads)
    return read
  }

  /** Keeps what a read found, unless a write to its key was announced since it began. */
  keep(read: L1Read | null, entry: StoredEntry | null, readAt: number): void {
    if (!read) return
    const reads = this.#reads.get(read.key)
    reads?.delete(read)
    if (reads?.size === 0) this.#reads.delete(read.key)
    if (read.dirty || !this.enabled || entry === null) return
    const bytes = ENTRY_OVERHEAD_BYTES + valueBytes(entry)
    if (bytes > this.options.maxBytes) return
    const old = this.#copies.get(read.key)
    if (old) this.#remove(read.key, old)
    this.#copies.set(read.key, { entry, bytes, readAt, order: ++this.#order })
    this.#bytes += bytes
    for (const [key, copy] of this.#copies) {
      if (this.#bytes <= this.options.maxBytes) break
      this.#remove(key, copy)
    }
  }

  /** A write (or invalidation) of `key` was announced: the copy and reads under way are stale. */
  drop(key: string): void {
    const copy = this.#copies.get(key)
    if (copy) this.#remove(key, copy)
    for (const read of this.#reads.get(key) ?? []) read.dirty = true
  }

  /** Events may be missed from now on: forget everything and serve from Redis. */
  suspend(): void {
    this.#live = false
    this.#copies.clear()
    this.#bytes = 0
    for (const reads of this.#reads.values()) for (const read of reads) read.dirty = true
  }

  /** The subscription is back: copies may be kept again. */
  resume(): void {
    this.#live = true
  }

  #remove(key: string, copy: Copy): void {
    this.#copies.delete(key)
    this.#bytes -= copy.bytes
  }
}

/** The bytes a copy holds: the stored gzip, or the JSON text (two bytes a character at most) and its bytes. */
function valueBytes(entry: StoredEntry): number {
  if ('notFound' in entry) return 0
  return entry.gzip ? entry.gzip.length * 2 : entry.data.length * 2 + (entry.body?.length ?? 0)
}
