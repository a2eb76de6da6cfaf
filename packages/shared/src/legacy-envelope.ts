import { type EntrySource, type Envelope, envelopeFrom, type StoredMeta } from './envelope'

/**
 * The hash fields of an entry written before the packed `meta` field (marketcache 0.1 and the
 * first releases of the L1 work), one per attribute. Such entries are still read, so an upgrade
 * does not turn a warm cache into misses (and a burst of provider calls); the worker's scripts
 * rewrite one in the packed layout the first time they change it, and the rest expire. A negative
 * entry of that layout (no `data`) reads as absent: telling it from a missing key would cost every
 * miss a wider read, and its one provider call repeats the not-found, as after its short TTL.
 */
export const LEGACY_FIELDS = [
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

/** Decodes an HMGET reply in LEGACY_FIELDS order of an entry with `data`, like decodeEnvelope. */
export function decodeLegacyEnvelope(values: readonly (string | Buffer | null)[]): Envelope | null {
  const text = (field: (typeof LEGACY_FIELDS)[number]) => {
    const value = values[LEGACY_FIELDS.indexOf(field)]
    return value == null ? undefined : value.toString()
  }
  const number = (field: (typeof LEGACY_FIELDS)[number]) => {
    const value = text(field)
    return value === undefined ? undefined : Number(value)
  }
  const data = values[0]
  if (data == null) return null
  const meta: StoredMeta = {
    asOf: number('asOf'),
    fetchedAt: number('fetchedAt'),
    freshUntil: number('freshUntil'),
    staleUntil: number('staleUntil'),
    errorUntil: number('errorUntil'),
    etag: text('etag'),
    source: text('source') as EntrySource,
    schema: number('schema'),
    basis: text('basis'),
    encoding: text('encoding') === 'gzip' ? 'gzip' : undefined,
    lastError: text('lastError'),
    lastErrorAt: number('lastErrorAt'),
  }
  return envelopeFrom(data, meta)
}
