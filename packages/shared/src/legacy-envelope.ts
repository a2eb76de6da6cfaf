import { type Envelope, envelopeFrom, type StoredMeta } from './envelope'

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

/** The fields of that layout that hold numbers (the rest are text). */
export const LEGACY_NUMBER_FIELDS = [
  'asOf',
  'fetchedAt',
  'freshUntil',
  'staleUntil',
  'errorUntil',
  'schema',
  'lastErrorAt',
] as const

const NUMBERS: ReadonlySet<string> = new Set(LEGACY_NUMBER_FIELDS)

/** Decodes an HMGET reply in LEGACY_FIELDS order of an entry with `data`, like decodeEnvelope. */
export function decodeLegacyEnvelope(values: readonly (string | Buffer | null)[]): Envelope | null {
  const data = values[0]
  if (data == null) return null
  const meta: Record<string, string | number> = {}
  LEGACY_FIELDS.forEach((field, i) => {
    const value = values[i]
    if (i === 0 || value == null) return
    meta[field] = NUMBERS.has(field) ? Number(value.toString()) : value.toString()
  })
  return envelopeFrom(data, meta as StoredMeta)
}
