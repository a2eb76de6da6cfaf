import { coin } from '@marketcache/shared/datasets/coin'
import { describe, expect, it } from 'vitest'
import { buildEnvelope, etagOf } from '../src/envelope-builder'

describe('buildEnvelope', () => {
  const policy = { freshMs: 1000, staleMs: 5000, errorMs: 20_000, negativeMs: 100 }

  it('stores the value as JSON with times from the policy', () => {
    const value = { id: 'bitcoin', price: 1 }
    const envelope = buildEnvelope({
      dataset: coin,
      value,
      asOf: 900,
      source: 'coingecko',
      policy,
      now: 10_000,
      random: () => 0,
    })
    expect(envelope).toEqual({
      data: JSON.stringify(value),
      asOf: 900,
      fetchedAt: 10_000,
      freshUntil: 11_000,
      staleUntil: 16_000,
      errorUntil: 31_000,
      etag: etagOf(JSON.stringify(value)),
      source: 'coingecko',
      schema: coin.schemaVersion,
    })
  })

  it('jitters freshness down by at most 5 %', () => {
    const envelope = buildEnvelope({
      dataset: coin,
      value: {},
      asOf: 0,
      source: 'coingecko',
      policy,
      now: 0,
      random: () => 0.999,
    })
    expect(envelope.freshUntil).toBeGreaterThanOrEqual(950)
    expect(envelope.freshUntil).toBeLessThan(1000)
  })
})

describe('etagOf', () => {
  it('is a short quoted hash that changes with the data', () => {
    expect(etagOf('{"a":1}')).toMatch(/^"[0-9a-f]{16}"$/)
    expect(etagOf('{"a":1}')).toBe(etagOf('{"a":1}'))
    expect(etagOf('{"a":1}')).not.toBe(etagOf('{"a":2}'))
  })
})
