import { describe, expect, it } from 'vitest'
import {
  ProviderNotFoundError,
  ProviderRateLimitError,
  ProviderRejectedError,
  ProviderUnavailableError,
} from '../../../src/errors'
import {
  DEFAULT_RETRY_AFTER_MS,
  errorForStatus,
  errorForTransport,
} from '../../../src/providers/coingecko/errors'
import { parseRetryAfterMs } from '../../../src/providers/http'
import { fixture } from '../../support/fixture-server'

const now = Date.parse('2025-11-20T12:00:00Z')

describe('parseRetryAfterMs', () => {
  it('reads delay-seconds and HTTP dates', () => {
    expect(parseRetryAfterMs('2', now)).toBe(2000)
    expect(parseRetryAfterMs(' 0.5 ', now)).toBe(500)
    expect(parseRetryAfterMs('Thu, 20 Nov 2025 12:00:30 GMT', now)).toBe(30_000)
    expect(parseRetryAfterMs('Thu, 20 Nov 2025 11:00:00 GMT', now)).toBe(0)
  })

  it('gives undefined when absent or unreadable', () => {
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined()
    expect(parseRetryAfterMs('soon', now)).toBeUndefined()
  })
})

describe('errorForStatus', () => {
  it('turns a JSON 429 into a rate limit honouring Retry-After', () => {
    const error = errorForStatus(429, '3', fixture('rate-limit.json'), '/coins/{id}', now)
    expect(error).toBeInstanceOf(ProviderRateLimitError)
    expect((error as ProviderRateLimitError).retryAfterMs).toBe(3000)
    expect(error.message).toContain('exceeded the Rate Limit')
    expect(error.code).toBe('PROVIDER_RATE_LIMITED')
  })

  it('turns a Cloudflare HTML 429 without Retry-After into a one-minute rate limit', () => {
    const error = errorForStatus(429, undefined, fixture('rate-limit.html'), '/coins/markets', now)
    expect(error).toBeInstanceOf(ProviderRateLimitError)
    expect((error as ProviderRateLimitError).retryAfterMs).toBe(DEFAULT_RETRY_AFTER_MS)
    expect(error.message).not.toContain('<')
  })

  it('treats only CoinGecko’s own 404 body as "does not exist"', () => {
    expect(
      errorForStatus(404, undefined, fixture('not-found.json'), '/coins/{id}', now),
    ).toBeInstanceOf(ProviderNotFoundError)
    const bare = errorForStatus(404, undefined, '<html>Not Found</html>', '/coins/{id}', now)
    expect(bare).toBeInstanceOf(ProviderRejectedError)
    // A server without the route at all (here Fastify's 404) says only the reason phrase.
    const noRoute = JSON.stringify({
      message: 'Route GET:/api/v3/coins/bitcoin/ohlc not found',
      error: 'Not Found',
      statusCode: 404,
    })
    expect(errorForStatus(404, undefined, noRoute, '/coins/{id}/ohlc', now)).toBeInstanceOf(
      ProviderRejectedError,
    )
  })

  it('treats 5xx and 408 as transient, keeping a Retry-After', () => {
    const error = errorForStatus(503, '7', fixture('server-error.json'), '/coins/{id}', now)
    expect(error).toBeInstanceOf(ProviderUnavailableError)
    expect((error as ProviderUnavailableError).retryAfterMs).toBe(7000)
    expect(errorForStatus(408, undefined, '', '/coins/{id}', now)).toBeInstanceOf(
      ProviderUnavailableError,
    )
  })

  it('treats other 4xx as permanent rejections', () => {
    const error = errorForStatus(401, undefined, fixture('missing-key.json'), '/coins/{id}', now)
    expect(error).toBeInstanceOf(ProviderRejectedError)
    expect(error.message).toContain('API Key Missing')
  })
})

describe('errorForTransport', () => {
  it('wraps the cause', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })
    const error = errorForTransport(cause, '/coins/{id}')
    expect(error).toBeInstanceOf(ProviderUnavailableError)
    expect(error.cause).toBe(cause)
    expect(error.message).toContain('ECONNREFUSED')
  })
})
