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
} from '../src/envelope'
import { FRESHNESS_JITTER, freshnessTimes } from '../src/freshness'

/** Simulates HSET followed by HMGET ENVELOPE_FIELDS, read as buffers like the readers do. */
function roundTrip(pairs: (string | Buffer)[]): (Buffer | null)[] {
  const hash = new Map<string, Buffer>()
  for (let i = 0; i < pairs.length; i += 2) hash.set(String(pairs[i]), Buffer.from(pairs[i + 1]!))
  return ENVELOPE_FIELDS.map((field) => hash.get(field) ?? null)
}

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

  it('round-trips the basis of a derived entry', () => {
    const derived = { ...envelope, basis: 101.25 }
    expect(decodeEnvelope(roundTrip(encodeEnvelope(derived)))).toEqual(derived)
  })

  it('stores a large value gzipped and decodes it only when its data is read', () => {
    const data = JSON.stringify({ rows: Array.from({ length: 200 }, (_, i) => ({ strike: i })) })
    const large = compressedIfLarge({ ...envelope, data })
    expect(large.gzip?.length).toBeLessThan(data.length / 3)
    const fields = encodeEnvelope(large)
    expect(fields[fields.indexOf('encoding') + 1]).toBe('gzip')
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

  it('reads lastError when present and treats a missing key as absent', () => {
    const values = roundTrip([...encodeEnvelope(envelope), 'lastError', 'boom', 'lastErrorAt', '7'])
    expect(decodeEnvelope(values)).toMatchObject({ lastError: 'boom', lastErrorAt: 7 })
    expect(decodeEnvelope(ENVELOPE_FIELDS.map(() => null))).toBeNull()
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
