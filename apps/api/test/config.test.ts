import type { IncomingMessage } from 'node:http'
import { ConfigError } from '@marketcache/shared/env'
import { describe, expect, it } from 'vitest'
import { parseApiKeys } from '../src/api-keys'
import { clientAddress, trustOf } from '../src/client-address'
import { loadConfig } from '../src/config'

describe('loadConfig', () => {
  it('applies the documented defaults and freezes the result', () => {
    const config = loadConfig({})
    expect(config).toMatchObject({
      cacheRedisUrl: 'redis://127.0.0.1:6379',
      queueRedisUrl: 'redis://127.0.0.1:6379',
      keyPrefix: 'mc',
      queuePrefix: 'mcq',
      host: '127.0.0.1',
      port: 3000,
      publicUrl: '/',
      apiKeys: [],
      readWaitMs: 2000,
      readWaitMaxMs: 10_000,
      refreshAheadRatio: 0.8,
      errorRetryMs: 30_000,
      jobAttempts: 4,
      redisCommandTimeoutMs: 500,
      inputMoveLimits: { collar: 0.05 },
      rateLimit: { max: 1000, costlyMax: 120, windowMs: 60_000 },
      freshRequiresKey: true,
      metricsRequireKey: false,
      queueBoard: true,
      logLevel: 'info',
    })
    expect(Object.isFrozen(config)).toBe(true)
    expect(Object.isFrozen(config.apiKeys)).toBe(true)
  })

  it('sizes each miss backlog to about two minutes of its provider rate', () => {
    expect(loadConfig({}).missBacklog).toEqual({
      coingecko: { max: 60, perSecond: 0.5 },
      bybit: { max: 2400, perSecond: 20 },
      ibkr: { max: 120, perSecond: 1 },
      derive: { max: 1000, perSecond: 100 },
    })
    const raised = loadConfig({ COINGECKO_RATE_MAX: '500', COINGECKO_MISS_BACKLOG_MAX: '1000' })
    expect(raised.missBacklog.coingecko).toEqual({ max: 1000, perSecond: 500 / 60 })
    // Unset, the cap follows the configured rate: two minutes of it.
    const plan = loadConfig({ COINGECKO_RATE_MAX: '500', IBKR_RATE_MAX: '100' })
    expect(plan.missBacklog.coingecko.max).toBe(1000)
    expect(plan.missBacklog.ibkr.max).toBe(Math.round((100 * 120) / 10))
    expect(() => loadConfig({ BYBIT_MISS_BACKLOG_MAX: '0' })).toThrow(/BYBIT_MISS_BACKLOG_MAX/)
  })

  it("knows each provider queue's limiter, as the worker runs it", () => {
    expect(loadConfig({}).providerRates).toEqual({
      coingecko: { max: 30, durationMs: 60_000 },
      bybit: { max: 20, durationMs: 1000 },
      ibkr: { max: 10, durationMs: 1000 },
    })
    expect(loadConfig({ IBKR_RATE_MAX: '5' }).providerRates.ibkr).toEqual({
      max: 5,
      durationMs: 1000,
    })
  })

  it('turns the queue board off with QUEUE_BOARD=false', () => {
    expect(loadConfig({ QUEUE_BOARD: 'false' }).queueBoard).toBe(false)
    expect(() => loadConfig({ QUEUE_BOARD: 'maybe' })).toThrow(/QUEUE_BOARD/)
  })

  it('defaults the queue Redis to the cache Redis and converts numbers', () => {
    const config = loadConfig({
      CACHE_REDIS_URL: 'redis://cache:6380',
      API_PORT: '8080',
      REFRESH_AHEAD_RATIO: '0.5',
    })
    expect(config.queueRedisUrl).toBe('redis://cache:6380')
    expect(config.port).toBe(8080)
    expect(config.refreshAheadRatio).toBe(0.5)
    expect(loadConfig({ QUEUE_REDIS_URL: 'redis://queue:6379' }).queueRedisUrl).toBe(
      'redis://queue:6379',
    )
  })

  it.each([
    ['API_PORT', 'eighty'],
    ['API_PORT', '70000'],
    ['CACHE_REDIS_URL', 'http://nope'],
    ['KEY_PREFIX', 'a:b'],
    ['REFRESH_AHEAD_RATIO', '1.5'],
    ['LOG_LEVEL', 'loud'],
    ['JOB_ATTEMPTS', '0'],
    ['COLLAR_SPOT_MOVE_PCT', '0'],
    ['COLLAR_SPOT_MOVE_PCT', '150'],
    ['COLLAR_SPOT_MOVE_PCT', 'five'],
    ['RATE_LIMIT_MAX', '0'],
    ['RATE_LIMIT_MAX', 'many'],
    ['RATE_LIMIT_COSTLY_MAX', '-1'],
    ['RATE_LIMIT_WINDOW_MS', '10'],
    ['FRESH_REQUIRES_KEY', 'maybe'],
    ['API_PUBLIC_URL', 'https://api.example.org/'],
    ['API_PUBLIC_URL', 'api.example.org'],
    ['API_PUBLIC_URL', '/gateway/'],
    ['METRICS_REQUIRE_KEY', 'sometimes'],
  ])('rejects %s=%s with a message naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError)
    expect(() => loadConfig({ [name]: value })).toThrow(name)
  })

  it('names what LOG_LEVEL allows', () => {
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(
      'LOG_LEVEL="loud": expected one of fatal, error, warn, info, debug, trace, silent',
    )
  })

  it.each(['/', '/gateway', 'http://127.0.0.1:3000', 'https://data.example.org/marketcache'])(
    'takes API_PUBLIC_URL=%s',
    (url) => {
      expect(loadConfig({ API_PUBLIC_URL: url }).publicUrl).toBe(url)
    },
  )

  it('reads COLLAR_SPOT_MOVE_PCT as a percentage', () => {
    expect(loadConfig({ COLLAR_SPOT_MOVE_PCT: '2.5' }).inputMoveLimits).toEqual({ collar: 0.025 })
  })

  it('reads the rate limits and FRESH_REQUIRES_KEY=false', () => {
    const config = loadConfig({
      RATE_LIMIT_MAX: '50',
      RATE_LIMIT_COSTLY_MAX: '5',
      RATE_LIMIT_WINDOW_MS: '10000',
      FRESH_REQUIRES_KEY: 'false',
    })
    expect(config.rateLimit).toEqual({ max: 50, costlyMax: 5, windowMs: 10_000 })
    expect(config.freshRequiresKey).toBe(false)
  })

  it('rejects a costly limit above the limit for all requests', () => {
    expect(() => loadConfig({ RATE_LIMIT_MAX: '10', RATE_LIMIT_COSTLY_MAX: '20' })).toThrow(
      'RATE_LIMIT_COSTLY_MAX',
    )
  })

  it('rejects a default wait above the maximum', () => {
    expect(() => loadConfig({ READ_WAIT_MS: '5000', READ_WAIT_MAX_MS: '1000' })).toThrow(
      'READ_WAIT_MS',
    )
  })
})

describe('TRUST_PROXY', () => {
  /** The client a request from `peer` forwarding `chain` is counted as, under `value`. */
  const clientUnder = (value: string, peer: string, chain: string) => {
    const trust = trustOf(loadConfig({ TRUST_PROXY: value }).trustProxy)
    const request = { socket: { remoteAddress: peer }, headers: { 'x-forwarded-for': chain } }
    return clientAddress(request as unknown as IncomingMessage, trust)
  }

  it('trusts no proxy by default: the socket peer is the client', () => {
    expect(loadConfig({}).trustProxy).toEqual({ kind: 'none' })
    expect(clientUnder('false', '10.0.0.2', '203.0.113.5')).toBe('10.0.0.2')
  })

  it('names the client past the trusted hops: all, a count, or listed addresses and ranges', () => {
    const chain = '198.51.100.1, 203.0.113.5, 10.0.0.3'
    expect(clientUnder('true', '10.0.0.2', chain)).toBe('198.51.100.1')
    expect(clientUnder('1', '10.0.0.2', chain)).toBe('10.0.0.3')
    expect(clientUnder('2', '10.0.0.2', chain)).toBe('203.0.113.5')
    expect(clientUnder('10.0.0.0/8', '10.0.0.2', chain)).toBe('203.0.113.5')
    expect(clientUnder('loopback, 10.0.0.2', '10.0.0.2', chain)).toBe('10.0.0.3')
    // A peer outside the list is the client, whatever it forwards.
    expect(clientUnder('10.0.0.0/8', '192.0.2.9', chain)).toBe('192.0.2.9')
  })

  it.each([
    ['0', /hop count must be 1 to 32/],
    ['33', /hop count must be 1 to 32/],
    ['proxy.internal', /TRUST_PROXY=proxy.internal: .*expected false, true, a hop count/],
    ['10.0.0.0/99', /TRUST_PROXY=10.0.0.0\/99/],
  ])('rejects TRUST_PROXY=%s with a message naming it', (value, message) => {
    expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(ConfigError)
    expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(message)
  })
})

describe('parseApiKeys', () => {
  it('reads key:scope|scope lists', () => {
    expect(parseApiKeys('abcdefghijklmnop:write|admin, qrstuvwxyz-_0123:write')).toEqual([
      { key: 'abcdefghijklmnop', scopes: ['write', 'admin'] },
      { key: 'qrstuvwxyz-_0123', scopes: ['write'] },
    ])
    expect(parseApiKeys('')).toEqual([])
  })

  it.each([
    ['short:write', 'at least 16'],
    ['abcdefghijklmnop', 'key:scope'],
    ['abcdefghijklmnop:root', 'unknown scope'],
    ['abcdefghijklmnop:write,abcdefghijklmnop:admin', 'twice'],
    ['abcdefghijklmn!p:write', 'at least 16'],
  ])('rejects %s, naming API_KEYS and never echoing the key', (raw, reason) => {
    expect(() => loadConfig({ API_KEYS: raw })).toThrow(/API_KEYS/)
    expect(() => parseApiKeys(raw)).toThrow(reason)
    try {
      parseApiKeys(raw)
    } catch (error) {
      expect((error as Error).message).not.toContain('abcdefghijklm')
    }
  })
})
