import { describe, expect, it } from 'vitest'
import {
  ProviderNotFoundError,
  ProviderRateLimitError,
  ProviderRejectedError,
  ProviderUnavailableError,
} from '../../../src/errors'
import { IbkrEndpoint } from '../../../src/providers/ibkr/endpoints'
import { errorForStatus, errorForTransport } from '../../../src/providers/ibkr/errors'

const context = (endpoint: string = IbkrEndpoint.snapshot) => ({
  endpoint,
  now: Date.parse('2026-11-20T12:00:00Z'),
  pacingPauseMs: 1500,
})

describe('IBKR status mapping', () => {
  it('reads a 429 as a rate limit: Retry-After when given, else the pacing pause', () => {
    const withHeader = errorForStatus(429, '3', '', context())
    expect(withHeader).toBeInstanceOf(ProviderRateLimitError)
    expect((withHeader as ProviderRateLimitError).retryAfterMs).toBe(3000)
    const without = errorForStatus(429, undefined, '{"error":"Too Many Requests"}', context())
    expect((without as ProviderRateLimitError).retryAfterMs).toBe(1500)
    const zero = errorForStatus(429, '0', '', context())
    expect((zero as ProviderRateLimitError).retryAfterMs).toBe(1500)
  })

  it('reads a 401 as a permanent rejection that says to log in', () => {
    const error = errorForStatus(401, undefined, '', context())
    expect(error).toBeInstanceOf(ProviderRejectedError)
    expect(error.message).toMatch(/not authenticated.*log in/)
  })

  it('reads the gateway’s “no symbol” on a lookup as not found, elsewhere as rejected', () => {
    const body = '{"error":"No symbol found"}'
    expect(errorForStatus(400, undefined, body, context(IbkrEndpoint.search))).toBeInstanceOf(
      ProviderNotFoundError,
    )
    expect(errorForStatus(400, undefined, body, context(IbkrEndpoint.strikes))).toBeInstanceOf(
      ProviderRejectedError,
    )
    // A bare 404 (a wrong base URL) must not turn every symbol into a negative entry.
    expect(
      errorForStatus(404, undefined, '{"error":"Route not found"}', context(IbkrEndpoint.search)),
    ).toBeInstanceOf(ProviderRejectedError)
  })

  it('reads 5xx and 408 as transient, keeping a Retry-After', () => {
    const error = errorForStatus(503, '2', 'Service Unavailable', context())
    expect(error).toBeInstanceOf(ProviderUnavailableError)
    expect((error as ProviderUnavailableError).retryAfterMs).toBe(2000)
    expect(errorForStatus(408, undefined, '', context())).toBeInstanceOf(ProviderUnavailableError)
  })

  it('says how to accept the gateway’s self-signed certificate', () => {
    const tls = Object.assign(new Error('self-signed certificate'), {
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    })
    const error = errorForTransport(tls, IbkrEndpoint.search)
    expect(error).toBeInstanceOf(ProviderUnavailableError)
    expect(error.message).toMatch(/IBKR_TLS_INSECURE=true/)
  })
})
