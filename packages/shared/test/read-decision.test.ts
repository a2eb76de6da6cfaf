import { describe, expect, it } from 'vitest'
import type { Envelope } from '../src/envelope'
import { ageSeconds, cacheControl, decideRead } from '../src/read-decision'

const t0 = 1_700_000_000_000
const entry = (overrides: Partial<Envelope> = {}): Envelope => ({
  data: '{"id":"bitcoin"}',
  asOf: t0 - 5_000,
  fetchedAt: t0,
  freshUntil: t0 + 100_000,
  staleUntil: t0 + 200_000,
  errorUntil: t0 + 400_000,
  etag: '"abc"',
  source: 'coingecko',
  schema: 1,
  ...overrides,
})
const policy = { refreshAheadRatio: 0.8, errorRetryMs: 30_000 }

describe('decideRead', () => {
  it('absent → MISS with no fallback', () => {
    expect(decideRead(null, t0, policy)).toEqual({
      status: 'MISS',
      refresh: 'miss',
      fallback: null,
    })
  })

  it('negative entry → NOT_FOUND', () => {
    expect(decideRead({ notFound: true, fetchedAt: t0, source: 'coingecko' }, t0, policy)).toEqual({
      status: 'NOT_FOUND',
    })
  })

  it('fresh → HIT, refresh-ahead only past 80 % of the fresh window', () => {
    expect(decideRead(entry(), t0 + 79_999, policy)).toMatchObject({ status: 'HIT', refresh: null })
    expect(decideRead(entry(), t0 + 80_000, policy)).toMatchObject({
      status: 'HIT',
      refresh: 'refresh-ahead',
    })
  })

  it('freshUntil ≤ now < staleUntil → STALE with a stale refresh', () => {
    expect(decideRead(entry(), t0 + 100_000, policy)).toMatchObject({
      status: 'STALE',
      refresh: 'stale',
      error: null,
    })
    expect(decideRead(entry(), t0 + 199_999, policy)).toMatchObject({
      status: 'STALE',
      refresh: 'stale',
    })
  })

  it('past staleUntil → MISS that may fall back to the entry inside its error window', () => {
    const e = entry()
    expect(decideRead(e, t0 + 200_000, policy)).toEqual({
      status: 'MISS',
      refresh: 'miss',
      fallback: e,
    })
    expect(decideRead(e, t0 + 400_000, policy)).toEqual({
      status: 'MISS',
      refresh: 'miss',
      fallback: null,
    })
  })

  it('failed refresh → STALE with the error, and no new refresh until errorRetryMs has passed', () => {
    const e = entry({ lastError: 'provider 500', lastErrorAt: t0 + 150_000 })
    expect(decideRead(e, t0 + 160_000, policy)).toMatchObject({
      status: 'STALE',
      refresh: null,
      error: 'provider 500',
    })
    expect(decideRead(e, t0 + 180_000, policy)).toMatchObject({ status: 'STALE', refresh: 'stale' })
    // Inside the error window but past the stale window it is still served.
    expect(decideRead(e, t0 + 300_000, policy)).toMatchObject({
      status: 'STALE',
      error: 'provider 500',
    })
  })

  it('an error older than the current data is ignored', () => {
    const e = entry({ lastError: 'old', lastErrorAt: t0 - 1 })
    expect(decideRead(e, t0 + 120_000, policy)).toMatchObject({ status: 'STALE', error: null })
  })

  it('maxStaleness turns data older than the client accepts into a miss without fallback', () => {
    expect(decideRead(entry(), t0 + 10_000, policy, 5_000)).toEqual({
      status: 'MISS',
      refresh: 'miss',
      fallback: null,
    })
    expect(decideRead(entry(), t0 + 10_000, policy, 20_000)).toMatchObject({ status: 'HIT' })
  })
})

describe('headers', () => {
  it('Age counts whole seconds from fetchedAt', () => {
    expect(ageSeconds(entry(), t0 + 2_999)).toBe(2)
    expect(ageSeconds(entry(), t0 - 10)).toBe(0)
  })

  it('Cache-Control gives the remaining freshness and the stale window', () => {
    expect(cacheControl(entry(), t0 + 40_000)).toBe(
      'public, max-age=60, stale-while-revalidate=100',
    )
    expect(cacheControl(entry(), t0 + 150_000)).toBe(
      'public, max-age=0, stale-while-revalidate=100',
    )
  })
})
