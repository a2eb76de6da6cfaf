import { describe, expect, it } from 'vitest'
import { providerBackoff } from '../src/backoff'
import { ProviderRateLimitError, ProviderUnavailableError } from '../src/errors'

const settings = { baseMs: 100, maxMs: 1000 }
const endpoint = { provider: 'coingecko', endpoint: '/coins/{id}' } as const

describe('providerBackoff', () => {
  it('grows exponentially up to the cap (upper bound of the jitter)', () => {
    const strategy = providerBackoff(settings, () => 0.999_999)
    const delays = [1, 2, 3, 4, 5, 6].map((attempt) => strategy(attempt, 'provider'))
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000])
  })

  it('spreads retries over [0, ceiling] (full jitter)', () => {
    expect(providerBackoff(settings, () => 0)(3, 'provider')).toBe(0)
    expect(providerBackoff(settings, () => 0.5)(3, 'provider')).toBe(200)
  })

  it('never retries before a Retry-After the provider sent', () => {
    const strategy = providerBackoff(settings, () => 0)
    const unavailable = new ProviderUnavailableError('503', { ...endpoint, retryAfterMs: 5000 })
    expect(strategy(1, 'provider', unavailable)).toBe(5000)
    const limited = new ProviderRateLimitError('429', 2500, endpoint)
    expect(strategy(1, 'provider', limited)).toBe(2500)
    expect(strategy(1, 'provider', new Error('plain'))).toBe(0)
  })
})
