import { gunzipSync, gzipSync } from 'node:zlib'
import type { ProviderName } from './providers'

/**
 * Who wrote an entry: a provider, the worker's own analytics from cached inputs, or a producer's
 * push.
 */
export type EntrySource = ProviderName | 'derived' | 'pushed'

/**
 * A cache entry as stored in its Redis hash (ENVELOPE_FIELDS). `data` stays a JSON string end to
 * end so the API's hit path sends it without parsing; a large value is stored gzipped (`gzip`,
 * `encoding` = `gzip` in its meta), sent as stored to clients that accept gzip, and decoded into
 * `data` only when read. Times are epoch milliseconds.
 */
export interface Envelope {
  data: string
  /** The provider's own timestamp for the data; writes never move it backwards. */
  asOf: number
  fetchedAt: number
  freshUntil: number
  staleUntil: number
  errorUntil: number
  etag: string
  source: EntrySource
  /** The dataset's schemaVersion when written. */
  schema: number
  /** The stored gzip of `data`, for values of COMPRESS_FROM_BYTES or more. */
  gzip?: Buffer
  /** The bytes of `data` as read from Redis (not gzipped), so a hit sends them without encoding. */
  body?: Buffer
  lastError?: string
  lastErrorAt?: number
  /**
   * For derived entries: the input value this one was computed from (a collar's spot price), so
   * readers can tell when the input has moved too far (see DatasetDefinition.staleWhen).
   */
  basis?: number
}

/** "The provider says this does not exist", remembered for the dataset's `negativeMs`. */
export interface NegativeEntry {
  notFound: true
  fetchedAt: number
  source: EntrySource
}

export type StoredEntry = Envelope | NegativeEntry

/**
 * The two hash fields of an entry, in the order the readers HMGET them: `data`, the value's bytes
 * (gzipped when `encoding` says so), and `meta`, everything else as one JSON object
 * (StoredMeta). Two fields instead of one per attribute halve the cost of a read from Redis. A
 * negative entry has only `meta`; so has a deleted entry's tombstone, which readers see as
 * absent.
 */
export const ENVELOPE_FIELDS = ['data', 'meta'] as const

/** The `meta` field of an entry as stored (see ENVELOPE_FIELDS). Times are epoch milliseconds. */
export interface StoredMeta {
  asOf?: number
  fetchedAt?: number
  freshUntil?: number
  staleUntil?: number
  errorUntil?: number
  etag?: string
  source?: EntrySource
  schema?: number
  /** A string, so the Lua scripts' re-encoding (14 significant digits) cannot round it. */
  basis?: string
  encoding?: 'gzip'
  lastError?: string
  lastErrorAt?: number
  notFound?: true
}

/** JSON values of this many bytes or more are stored gzipped: large chains, series, catalogs. */
export const COMPRESS_FROM_BYTES = 1024

/**
 * Decodes an HMGET reply in ENVELOPE_FIELDS order (read as buffers, so a gzipped `data` survives);
 * null when the key is absent, a tombstone or unreadable. A gzipped value is decoded on first use
 * of `data`. A hash of the layout before `meta` also reads as null here: see entry-read.
 */
export function decodeEnvelope(values: readonly (string | Buffer | null)[]): StoredEntry | null {
  const [data, stored] = values
  const meta = decodeMeta(stored ?? null)
  if (meta === null) return null
  if (meta.notFound) {
    return { notFound: true, fetchedAt: meta.fetchedAt ?? 0, source: meta.source as EntrySource }
  }
  return data == null ? null : envelopeFrom(data, meta)
}

/** The stored `meta` field, parsed; null when absent or not a JSON object. */
export function decodeMeta(stored: string | Buffer | null): StoredMeta | null {
  if (stored === null) return null
  try {
    const meta = JSON.parse(stored.toString()) as unknown
    return meta !== null && typeof meta === 'object' ? (meta as StoredMeta) : null
  } catch {
    return null
  }
}

/**
 * The envelope of a value and its metadata, or null when a field every envelope has is missing.
 * Shared with the reader of the earlier layout (legacy-envelope).
 */
export function envelopeFrom(data: string | Buffer, meta: StoredMeta): Envelope | null {
  const { asOf, fetchedAt, freshUntil, etag } = meta
  if (asOf === undefined || fetchedAt === undefined || freshUntil === undefined || !etag) {
    return null
  }
  const gzipped = meta.encoding === 'gzip'
  const envelope: Envelope = {
    data: gzipped ? '' : data.toString(),
    asOf,
    fetchedAt,
    freshUntil,
    staleUntil: meta.staleUntil ?? freshUntil,
    errorUntil: meta.errorUntil ?? freshUntil,
    etag,
    source: meta.source as EntrySource,
    schema: meta.schema ?? 0,
  }
  if (gzipped) withGzip(envelope, data)
  // A cached encoding of `data`, not a stored field: left out of copies and comparisons.
  else if (Buffer.isBuffer(data)) {
    Object.defineProperty(envelope, 'body', { value: data, enumerable: false })
  }
  if (meta.lastError !== undefined) {
    envelope.lastError = meta.lastError
    envelope.lastErrorAt = meta.lastErrorAt ?? 0
  }
  if (meta.basis !== undefined) envelope.basis = Number(meta.basis)
  return envelope
}

/** Makes `data` the lazily decoded text of `gzip`. */
function withGzip(envelope: Envelope, gzip: Buffer | string): void {
  // Read as a string, the bytes were already decoded as UTF-8 and lost.
  if (typeof gzip === 'string') throw new Error('read gzipped entries as buffers (hmgetBuffer)')
  let decoded: string | undefined
  envelope.gzip = gzip
  Object.defineProperty(envelope, 'data', {
    enumerable: true,
    get: () => {
      decoded ??= gunzipSync(gzip).toString()
      return decoded
    },
  })
}

/** An envelope for `data`, gzipped when it is large (what the writer stores). */
export function compressedIfLarge(envelope: Envelope): Envelope {
  if (envelope.gzip || Buffer.byteLength(envelope.data) < COMPRESS_FROM_BYTES) return envelope
  return { ...envelope, gzip: gzipSync(envelope.data) }
}

/** Field/value pairs for HSET, the inverse of decodeEnvelope. */
export function encodeEnvelope(entry: StoredEntry): (string | Buffer)[] {
  if ('notFound' in entry) return ['meta', encodeMeta(entry)]
  return ['data', entry.gzip ?? entry.data, 'meta', encodeMeta(entry)]
}

/** The `meta` field of an entry (StoredMeta as JSON). */
export function encodeMeta(entry: StoredEntry): string {
  if ('notFound' in entry) {
    const negative: StoredMeta = {
      notFound: true,
      fetchedAt: entry.fetchedAt,
      source: entry.source,
    }
    return JSON.stringify(negative)
  }
  const meta: StoredMeta = {
    asOf: entry.asOf,
    fetchedAt: entry.fetchedAt,
    freshUntil: entry.freshUntil,
    staleUntil: entry.staleUntil,
    errorUntil: entry.errorUntil,
    etag: entry.etag,
    source: entry.source,
    schema: entry.schema,
  }
  if (entry.basis !== undefined) meta.basis = String(entry.basis)
  if (entry.gzip) meta.encoding = 'gzip'
  if (entry.lastError !== undefined) {
    meta.lastError = entry.lastError
    meta.lastErrorAt = entry.lastErrorAt ?? 0
  }
  return JSON.stringify(meta)
}

/** The message the envelope writer publishes on the written channel after every write. */
export interface WrittenEvent {
  key: string
  /** Absent for negative entries. */
  etag?: string
}

export function decodeWrittenEvent(message: string): WrittenEvent | null {
  try {
    const parsed = JSON.parse(message) as unknown
    if (parsed && typeof parsed === 'object' && typeof (parsed as WrittenEvent).key === 'string') {
      return parsed as WrittenEvent
    }
  } catch {
    // A foreign publisher on our channel is not worth crashing a reader for.
  }
  return null
}

/**
 * Whether `candidate` is a different version from `previous`, the entry a read started from.
 * A failed refresh re-marks the old version with lastError (and announces it), so "a write was
 * announced" alone does not mean the fill landed.
 */
export function isNewVersion(candidate: StoredEntry, previous: StoredEntry | null): boolean {
  if (previous === null) return true
  const etag = (entry: StoredEntry) => ('notFound' in entry ? null : entry.etag)
  return candidate.fetchedAt !== previous.fetchedAt || etag(candidate) !== etag(previous)
}
