import type { Envelope } from '@marketcache/shared/envelope'
import { describe, expect, it } from 'vitest'
import {
  CacheStatus,
  dataHeaders,
  entityTag,
  fullEntityTag,
  matchesIfNoneMatch,
} from '../src/http-cache'

describe('entityTag', () => {
  it('quotes bare etags and keeps quoted ones', () => {
    expect(entityTag('abc')).toBe('"abc"')
    expect(entityTag('"abc"')).toBe('"abc"')
    expect(entityTag('W/"abc"')).toBe('W/"abc"')
  })
})

describe('matchesIfNoneMatch', () => {
  it('compares weakly, in lists, and honours *', () => {
    expect(matchesIfNoneMatch('"abc"', '"abc"')).toBe(true)
    expect(matchesIfNoneMatch('W/"abc"', '"abc"')).toBe(true)
    expect(matchesIfNoneMatch('"x", "abc"', '"abc"')).toBe(true)
    expect(matchesIfNoneMatch('*', '"abc"')).toBe(true)
    expect(matchesIfNoneMatch('"abd"', '"abc"')).toBe(false)
    expect(matchesIfNoneMatch(undefined, '"abc"')).toBe(false)
  })
})

describe('version headers', () => {
  const now = Date.parse('2026-12-03T12:00:00Z')
  const envelope = (asOf: number, gzip?: Buffer): Envelope => ({
    data: '{"id":"bitcoin"}',
    asOf,
    fetchedAt: asOf,
    freshUntil: now + 60_000,
    staleUntil: now + 600_000,
    errorUntil: now + 600_000,
    etag: 'same-tag',
    source: 'coingecko',
    schema: 1,
    ...(gzip ? { gzip } : {}),
  })
  const asOfHeader = (entry: Envelope) => {
    const headers = dataHeaders(CacheStatus.hit, entry, { layer: 'L2', tag: '"t"' }, now)
    return headers[headers.indexOf('x-data-as-of') + 1]
  }

  it('follow each version, where versions share a stored tag', () => {
    // A refresh that found the same data keeps its tag with a later as-of time.
    expect(asOfHeader(envelope(now - 5000))).toBe('2026-12-03T11:59:55.000Z')
    expect(asOfHeader(envelope(now - 1000))).toBe('2026-12-03T11:59:59.000Z')
    expect(fullEntityTag(envelope(now - 1000, Buffer.from('gz')))).toBe('W/"same-tag"')
    expect(fullEntityTag(envelope(now - 1000))).toBe('"same-tag"')
  })
})
