import { ConfigError } from '@marketcache/shared/env'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/config'

describe('IBKR configuration', () => {
  it('defaults to the simulator, the gateway pacing, strict TLS and a 2 × 20 chain within 45 days', () => {
    expect(loadConfig({}).ibkr).toEqual({
      baseUrl: 'http://127.0.0.1:4010/v1/api',
      limiter: { max: 10, duration: 1000 },
      timeoutMs: 10_000,
      concurrency: 16,
      pacingPauseMs: 1000,
      tlsInsecure: false,
      chain: { months: 2, strikes: 20, maxDays: 45 },
    })
  })

  it('reads a production gateway with its self-signed certificate accepted', () => {
    const config = loadConfig({
      IBKR_BASE_URL: 'https://localhost:5000/v1/api/',
      IBKR_TLS_INSECURE: 'true',
      IBKR_PACING_PAUSE_MS: '600000',
      IBKR_CHAIN_MONTHS: '3',
      IBKR_CHAIN_STRIKES: '10',
      IBKR_CHAIN_MAX_DAYS: '90',
    }).ibkr
    expect(config).toMatchObject({
      baseUrl: 'https://localhost:5000/v1/api',
      tlsInsecure: true,
      pacingPauseMs: 600_000,
      chain: { months: 3, strikes: 10, maxDays: 90 },
    })
  })

  it('names a bad variable', () => {
    expect(() => loadConfig({ IBKR_TLS_INSECURE: 'maybe' })).toThrow(ConfigError)
    expect(() => loadConfig({ IBKR_TLS_INSECURE: 'maybe' })).toThrow(/IBKR_TLS_INSECURE/)
    expect(() => loadConfig({ IBKR_CHAIN_STRIKES: '0' })).toThrow(/IBKR_CHAIN_STRIKES/)
  })
})
