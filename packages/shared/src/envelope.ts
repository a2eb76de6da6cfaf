import type { ProviderName } from './providers'

/** Who wrote an entry: a provider, or the worker's own analytics from cached inputs. */
export type EntrySource = ProviderName | 'derived'

/**
 * A cache entry as stored in its Redis hash. `data` stays a JSON string end to end so the API's
 * hit path sends it without parsing. Times are epoch milliseconds.
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
] as const
export type EnvelopeField = (typeof ENVELOPE_FIELDS)[number]

/** Decodes an HMGET reply in ENVELOPE_FIELDS order; null when the key is absent or unreadable. */
export function decodeEnvelope(values: readonly (string | null)[]): StoredEntry | null {
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
  ] = values
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
  if (lastError != null) {
    envelope.lastError = lastError
    envelope.lastErrorAt = Number(lastErrorAt ?? 0)
  }
  if (basis != null) envelope.basis = Number(basis)
  return envelope
}

/** Field/value pairs for HSET, the inverse of decodeEnvelope. Optional fields are omitted. */
export function encodeEnvelope(entry: StoredEntry): string[] {
  if ('notFound' in entry) {
    return ['notFound', '1', 'fetchedAt', String(entry.fetchedAt), 'source', entry.source]
  }
  return [
    'data',
    entry.data,
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
