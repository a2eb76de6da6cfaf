import { gunzipSync, gzipSync } from 'node:zlib'
import type { ProviderName } from './providers'

/**
 * Who wrote an entry: a provider, the worker's own analytics from cached inputs, or a producer's
 * push.
 */
export type EntrySource = ProviderName | 'derived' | 'pushed'

/**
 * A cache entry as stored in its Redis hash. `data` stays a JSON string end to end so the API's
 * hit path sends it without parsing; a large value is stored gzipped (`gzip`, field `encoding`
 * = `gzip`), sent as stored to clients that accept gzip, and decoded into `data` only when read.
 * Times are epoch milliseconds.
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

/** Hash fields in the order the reader asks for them with HMGET. */
export const ENVELOPE_FIELDS = [
  'data',
  'asOf',
  'fetchedAt',
  'freshUntil',
  'staleUntil',
  'errorUntil',
  'etag',
  'source',
  'schema',
  'lastError',
  'lastErrorAt',
  'notFound',
  'basis',
  'encoding',
] as const
export type EnvelopeField = (typeof ENVELOPE_FIELDS)[number]

/** JSON values of this many bytes or more are stored gzipped: large chains, series, catalogs. */
export const COMPRESS_FROM_BYTES = 1024

/**
 * Decodes an HMGET reply in ENVELOPE_FIELDS order (read as buffers, so a gzipped `data` survives);
 * null when the key is absent or unreadable. A gzipped value is decoded on first use of `data`.
 */
export function decodeEnvelope(values: readonly (string | Buffer | null)[]): StoredEntry | null {
  const gzipped = String(values[ENVELOPE_FIELDS.indexOf('encoding')] ?? '') === 'gzip'
  // A gzipped value stays bytes; everything else is text.
  const text = values.map((value, i) =>
    value == null ? null : i === 0 && gzipped ? '' : value.toString(),
  )
  const [
    data,
    asOf,
    fetchedAt,
    freshUntil,
    staleUntil,
    errorUntil,
    etag,
    source,
    schema,
    lastError,
    lastErrorAt,
    notFound,
    basis,
  ] = text
  if (notFound === '1') {
    return { notFound: true, fetchedAt: Number(fetchedAt ?? 0), source: source as EntrySource }
  }
  if (data == null || asOf == null || fetchedAt == null || freshUntil == null || etag == null) {
    return null
  }
  const envelope: Envelope = {
    data,
    asOf: Number(asOf),
    fetchedAt: Number(fetchedAt),
    freshUntil: Number(freshUntil),
    staleUntil: Number(staleUntil ?? freshUntil),
    errorUntil: Number(errorUntil ?? freshUntil),
    etag,
    source: source as EntrySource,
    schema: Number(schema ?? 0),
  }
  if (gzipped) withGzip(envelope, values[0] as Buffer | string)
  // A cached encoding of `data`, not a stored field: left out of copies and comparisons.
  else if (Buffer.isBuffer(values[0])) {
    Object.defineProperty(envelope, 'body', { value: values[0], enumerable: false })
  }
  if (lastError != null) {
    envelope.lastError = lastError
    envelope.lastErrorAt = Number(lastErrorAt ?? 0)
  }
  if (basis != null) envelope.basis = Number(basis)
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

/** Field/value pairs for HSET, the inverse of decodeEnvelope. Optional fields are omitted. */
export function encodeEnvelope(entry: StoredEntry): (string | Buffer)[] {
  if ('notFound' in entry) {
    return ['notFound', '1', 'fetchedAt', String(entry.fetchedAt), 'source', entry.source]
  }
  return [
    'data',
    entry.gzip ?? entry.data,
    ...(entry.gzip ? ['encoding', 'gzip'] : []),
    'asOf',
    String(entry.asOf),
    'fetchedAt',
    String(entry.fetchedAt),
    'freshUntil',
    String(entry.freshUntil),
    'staleUntil',
    String(entry.staleUntil),
    'errorUntil',
    String(entry.errorUntil),
    'etag',
    entry.etag,
    'source',
    entry.source,
    'schema',
    String(entry.schema),
    ...(entry.basis === undefined ? [] : ['basis', String(entry.basis)]),
  ]
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
