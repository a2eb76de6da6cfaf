import { describe, expect, it } from 'vitest'
import {
  COMPRESS_FROM_BYTES,
  compressedIfLarge,
  decodeEnvelope,
  decodeWrittenEvent,
  ENVELOPE_FIELDS,
  type Envelope,
  encodeEnvelope,
  isNewVersion,
  type StoredMeta,
} from '../src/envelope'
import { FRESHNESS_JITTER, freshnessTimes } from '../src/freshness'
import { decodeLegacyEnvelope, LEGACY_FIELDS } from '../src/legacy-envelope'

/** Simulates HSET followed by HMGET of `fields`, read as buffers like the readers do. */
function roundTrip(
  pairs: (string | Buffer)[],
  fields: readonly string[] = ENVELOPE_FIELDS,
): (Buffer | null)[] {
  const hash = new Map<string, Buffer>()
  for (let i = 0; i < pairs.length; i += 2) hash.set(String(pairs[i]), Buffer.from(pairs[i + 1]!))
  return fields.map((field) => hash.get(field) ?? null)
}

const metaOf = (pairs: (string | Buffer)[]) =>
  JSON.parse(String(pairs[pairs.indexOf('meta') + 1])) as StoredMeta

describe('envelope codec', () => {
  const envelope: Envelope = {
    data: '{"id":"bitcoin","price":1}',
    asOf: 1,
    fetchedAt: 2,
    freshUntil: 3,
    staleUntil: 4,
    errorUntil: 5,
    etag: '"e"',
    source: 'coingecko',
    schema: 1,
  }

  it('round-trips an envelope and keeps data as the exact string', () => {
    expect(decodeEnvelope(roundTrip(encodeEnvelope(envelope)))).toEqual(envelope)
  })

  it('keeps the bytes read for a plain value, so a hit sends them without encoding', () => {
    const decoded = decodeEnvelope(roundTrip(encodeEnvelope(envelope))) as Envelope
    expect(decoded.body?.toString()).toBe(envelope.data)
    // Not a stored field: copies and comparisons leave it out.
    expect(Object.keys(decoded)).not.toContain('body')
  })

  it('stores two fields: the value as it is and the rest as one JSON object', () => {
    const fields = encodeEnvelope(envelope)
    expect(fields.filter((_value, i) => i % 2 === 0)).toEqual(['data', 'meta'])
    expect(fields[1]).toBe(envelope.data)
    expect(metaOf(fields)).toEqual({ ...envelope, data: undefined })
  })

  it('round-trips the basis of a derived entry to the last digit', () => {
    // More significant digits than Lua's cjson keeps for a number: stored as a string.
    const derived = { ...envelope, basis: 67_012.345_678_901_23 }
    expect(metaOf(encodeEnvelope(derived)).basis).toBe('67012.34567890123')
    expect(decodeEnvelope(roundTrip(encodeEnvelope(derived)))).toEqual(derived)
  })

  it('reads a tombstone (meta without data) and unreadable meta as absent', () => {
    expect(decodeEnvelope(roundTrip(['meta', '{"asOf":1}']))).toBeNull()
    expect(decodeEnvelope(roundTrip(['data', '{}', 'meta', '{"asOf":']))).toBeNull()
    expect(decodeEnvelope(roundTrip(['data', '{}', 'meta', '"text"']))).toBeNull()
    // Metadata without the fields every envelope has.
    expect(decodeEnvelope(roundTrip(['data', '{}', 'meta', '{"asOf":1}']))).toBeNull()
  })

  it('stores a large value gzipped and decodes it only when its data is read', () => {
    const data = JSON.stringify({ rows: Array.from({ length: 200 }, (_, i) => ({ strike: i })) })
    const large = compressedIfLarge({ ...envelope, data })
    expect(large.gzip?.length).toBeLessThan(data.length / 3)
    const fields = encodeEnvelope(large)
    expect(metaOf(fields).encoding).toBe('gzip')
    const decoded = decodeEnvelope(roundTrip(fields)) as Envelope
    expect(decoded.gzip?.equals(large.gzip as Buffer)).toBe(true)
    expect(decoded.data).toBe(data)
    // Small values are left as they are.
    expect(compressedIfLarge(envelope).gzip).toBeUndefined()
  })

  it('refuses a gzipped value read as text, whose bytes are lost', () => {
    const large = compressedIfLarge({ ...envelope, data: 'x'.repeat(COMPRESS_FROM_BYTES) })
    const asText = roundTrip(encodeEnvelope(large)).map((value) => value?.toString() ?? null)
    expect(() => decodeEnvelope(asText)).toThrow('hmgetBuffer')
  })

  it('round-trips a negative entry', () => {
    const negative = { notFound: true as const, fetchedAt: 9, source: 'coingecko' as const }
    expect(decodeEnvelope(roundTrip(encodeEnvelope(negative)))).toEqual(negative)
  })

  it('round-trips lastError and treats a missing key as absent', () => {
    const failed = { ...envelope, lastError: 'boom', lastErrorAt: 7 }
    expect(decodeEnvelope(roundTrip(encodeEnvelope(failed)))).toEqual(failed)
    expect(decodeEnvelope(ENVELOPE_FIELDS.map(() => null))).toBeNull()
  })

  it('decodes the field-per-attribute layout written before meta', () => {
    const legacy = [
      ...['data', envelope.data, 'asOf', '1', 'fetchedAt', '2', 'freshUntil', '3'],
      ...['staleUntil', '4', 'errorUntil', '5', 'etag', '"e"', 'source', 'coingecko'],
      ...['schema', '1', 'basis', '101.25', 'lastError', 'boom', 'lastErrorAt', '7'],
    ]
    expect(decodeLegacyEnvelope(roundTrip(legacy, LEGACY_FIELDS))).toEqual({
      ...envelope,
      basis: 101.25,
      lastError: 'boom',
      lastErrorAt: 7,
    })
    // Read with the new fields, such a hash has no meta: the readers fall back (entry-read).
    expect(decodeEnvelope(roundTrip(legacy))).toBeNull()
  })

  it('decodes written events and ignores foreign messages', () => {
    expect(decodeWrittenEvent('{"key":"mc:v1:coin:x","etag":"\\"e\\""}')).toEqual({
      key: 'mc:v1:coin:x',
      etag: '"e"',
    })
    expect(decodeWrittenEvent('not json')).toBeNull()
    expect(decodeWrittenEvent('{"nokey":1}')).toBeNull()
  })
})

describe('freshnessTimes', () => {
  const policy = { freshMs: 300_000, staleMs: 600_000, errorMs: 3_600_000, negativeMs: 60_000 }

  it('lays the windows end to end from now and expires at the longest one', () => {
    expect(freshnessTimes(policy, 1000, () => 0)).toEqual({
      freshUntil: 301_000,
      staleUntil: 901_000,
      errorUntil: 3_901_000,
      expireAt: 3_901_000,
    })
  })

  it('shortens freshness by at most the jitter fraction', () => {
    const { freshUntil } = freshnessTimes(policy, 0, () => 0.999999)
    expect(freshUntil).toBeLessThan(300_000)
    expect(freshUntil).toBeGreaterThanOrEqual(300_000 * (1 - FRESHNESS_JITTER))
  })
})

describe('isNewVersion', () => {
  const base = {
    data: '{}',
    asOf: 1,
    fetchedAt: 2,
    freshUntil: 3,
    staleUntil: 4,
    errorUntil: 5,
    etag: '"a"',
    source: 'coingecko' as const,
    schema: 1,
  }

  it('treats anything as new against an absent entry', () => {
    expect(isNewVersion(base, null)).toBe(true)
  })

  it('sees the same fetch re-marked with lastError as the same version', () => {
    expect(isNewVersion({ ...base, lastError: 'x', lastErrorAt: 9 }, base)).toBe(false)
  })

  it('sees a new fetch or a negative entry as a new version', () => {
    expect(isNewVersion({ ...base, fetchedAt: 7, etag: '"b"' }, base)).toBe(true)
    expect(isNewVersion({ notFound: true, fetchedAt: 7, source: 'coingecko' }, base)).toBe(true)
  })
})
