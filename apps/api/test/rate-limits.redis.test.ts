import { Writable } from 'node:stream'
import { testPrefix } from '@marketcache/devkit/redis'
import { cacheKey } from '@marketcache/shared/dataset'
import { coin } from '@marketcache/shared/datasets/coin'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { buildApp } from '../src/app'
import { loadConfig } from '../src/config'
import { createFailFastClient } from '../src/redis-clients'
import { coinData, envelope, writeEntry } from './fixtures/cache-writer'
import { TestKeys, useTestApp } from './fixtures/test-app'

/** Besides the shared test keys, one key per test that spends a key's budget. */
const OwnKeys = { counted: 'rate-counted-key-001', costly: 'rate-costly-key-0001' } as const

// Small budgets so a test can spend them. Every test reads from its own client IP (and key),
// so the counters, which outlive `reset`, never leak from one test into the next.
const t = useTestApp({
  RATE_LIMIT_MAX: '4',
  RATE_LIMIT_COSTLY_MAX: '2',
  API_KEYS: [
    `${TestKeys.writer}:write`,
    `${TestKeys.reader}:admin`,
    `${OwnKeys.counted}:admin`,
    `${OwnKeys.costly}:write`,
  ].join(','),
})

let nextClient = 0
/** A client address no other test uses. */
const newClient = () => `10.8.0.${++nextClient}`
const get = (client: string, url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url, headers, remoteAddress: client })

const seedCoin = (id: string) =>
  writeEntry(t.redis, t.keys, cacheKey(t.keys, coin, { id }), envelope(coinData(id)))

function expectRateLimited(response: LightMyRequestResponse, limit: number) {
  expect(response.statusCode).toBe(429)
  expect(response.json()).toEqual({
    statusCode: 429,
    code: 'RATE_LIMITED',
    error: 'Too Many Requests',
    message: expect.stringMatching(/^this client sent more than \d+ .+; retry in \d+ s$/),
  })
  expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1)
  expect(Number(response.headers['retry-after'])).toBeLessThanOrEqual(60)
  expect(response.headers['ratelimit-limit']).toBe(String(limit))
  expect(response.headers['ratelimit-remaining']).toBe('0')
  expect(Number(response.headers['ratelimit-reset'])).toBeGreaterThanOrEqual(1)
  expect(response.headers['cache-control']).toBe('no-store')
}

describe('the rate limit for all requests', () => {
  it('answers 429 RATE_LIMITED with Retry-After and RateLimit-* once a client spends it', async () => {
    await seedCoin('bitcoin')
    const client = newClient()
    for (const remaining of [3, 2, 1, 0]) {
      const response = await get(client, '/v1/coins/bitcoin')
      expect(response.statusCode).toBe(200)
      expect(response.headers['ratelimit-limit']).toBe('4')
      expect(response.headers['ratelimit-remaining']).toBe(String(remaining))
    }
    expectRateLimited(await get(client, '/v1/coins/bitcoin'), 4)
    // Other routes share the budget, and another client has its own.
    expectRateLimited(await get(client, '/v1/jobs/coingecko.1'), 4)
    expect((await get(newClient(), '/v1/coins/bitcoin')).statusCode).toBe(200)
  })

  it('is shared by every API replica on the same prefixes', async () => {
    await seedCoin('bitcoin')
    const replica = await t.replica()
    try {
      const client = newClient()
      const onReplica = (url: string) => replica.inject({ url, remoteAddress: client })
      expect((await get(client, '/v1/coins/bitcoin')).statusCode).toBe(200)
      expect((await onReplica('/v1/coins/bitcoin')).statusCode).toBe(200)
      expect((await get(client, '/v1/coins/bitcoin')).statusCode).toBe(200)
      expect((await onReplica('/v1/coins/bitcoin')).headers['ratelimit-remaining']).toBe('0')
      expectRateLimited(await get(client, '/v1/coins/bitcoin'), 4)
      expectRateLimited(await onReplica('/v1/coins/bitcoin'), 4)
    } finally {
      await replica.close()
    }
  })

  it('counts a configured API key wherever it comes from, and an unknown key by IP', async () => {
    await seedCoin('bitcoin')
    const withKey = { 'x-api-key': OwnKeys.counted }
    for (let i = 0; i < 4; i++) {
      expect((await get(newClient(), '/v1/coins/bitcoin', withKey)).statusCode).toBe(200)
    }
    expectRateLimited(
      await get(newClient(), '/v1/coins/bitcoin', { authorization: `Bearer ${OwnKeys.counted}` }),
      4,
    )
    // Made-up keys do not buy a fresh budget: the client is counted by its address.
    const client = newClient()
    for (let i = 0; i < 4; i++) {
      const made = { 'x-api-key': `made-up-key-000000${i}` }
      expect((await get(client, '/v1/coins/bitcoin', made)).statusCode).toBe(200)
    }
    expectRateLimited(await get(client, '/v1/coins/bitcoin'), 4)
  })

  it('does not cover health or the docs', async () => {
    const client = newClient()
    for (let i = 0; i < 6; i++) {
      for (const url of ['/health', '/health/ready', '/docs/json']) {
        const response = await get(client, url)
        expect(response.statusCode, url).toBe(200)
        expect(response.headers['ratelimit-limit'], url).toBeUndefined()
      }
    }
    expect((await get(client, '/v1/cache/stats')).headers['ratelimit-remaining']).toBe('3')
  })
})

describe('the costly rate limit (misses, fresh=true)', () => {
  it('refuses a miss past it and enqueues nothing, while hits still pass', async () => {
    await seedCoin('bitcoin')
    const client = newClient()
    for (const id of ['ethereum', 'solana']) {
      expect((await get(client, `/v1/coins/${id}?wait=0`)).json().code).toBe('FILL_PENDING')
    }
    expect(await t.pendingJobs()).toHaveLength(2)

    const refused = await get(client, '/v1/coins/cardano?wait=0')
    expectRateLimited(refused, 2)
    expect(refused.json().message).toContain('fetch from a provider')
    expect(await t.pendingJobs()).toHaveLength(2)

    // A hit spends only the budget for all requests (4): the costly one is already gone.
    const hit = await get(client, '/v1/coins/bitcoin')
    expect(hit.statusCode).toBe(200)
    expect(hit.headers['x-cache-status']).toBe('HIT')
  })

  it('counts a multi-get with missing ids as one costly request, refused without any job', async () => {
    await seedCoin('bitcoin')
    const client = newClient()
    for (const ids of ['ethereum', 'solana']) {
      expect((await get(client, `/v1/coins?ids=bitcoin,${ids}&wait=0`)).statusCode).toBe(200)
    }
    await t.clearQueues()
    expectRateLimited(await get(client, '/v1/coins?ids=bitcoin,cardano&wait=0'), 2)
    expect(await t.pendingJobs()).toHaveLength(0)
    expect((await get(client, '/v1/coins?ids=bitcoin')).statusCode).toBe(200)
  })

  it('covers fresh=true on a cached entry', async () => {
    await seedCoin('bitcoin')
    const client = newClient()
    const fresh = () =>
      get(client, '/v1/coins/bitcoin?fresh=true&wait=0', { 'x-api-key': OwnKeys.costly })
    for (let i = 0; i < 2; i++) {
      expect((await fresh()).headers['x-cache-status']).toBe('STALE')
      await t.clearQueues()
    }
    expectRateLimited(await fresh(), 2)
    expect(await t.pendingJobs()).toHaveLength(0)
  })
})

describe('when the rate-limit store is unreachable', () => {
  // The limits live in the cache Redis; the queue Redis is up, so job lookups still answer.
  let app: FastifyInstance
  const logged: { msg: string }[] = []
  beforeAll(async () => {
    const config = loadConfig({
      CACHE_REDIS_URL: 'redis://127.0.0.1:1',
      QUEUE_REDIS_URL: inject('redisUrl'),
      KEY_PREFIX: testPrefix('mc'),
      QUEUE_PREFIX: testPrefix('q'),
      RATE_LIMIT_MAX: '1',
      RATE_LIMIT_COSTLY_MAX: '1',
    })
    const lines = new Writable({
      write(chunk, _encoding, done) {
        logged.push(JSON.parse(String(chunk)))
        done()
      },
    })
    const client = (url: string, name: string) =>
      createFailFastClient(url, { commandTimeoutMs: 200, name })
    app = await buildApp({
      config,
      cacheRedis: client(config.cacheRedisUrl, 'rate-limit-test-cache'),
      queueRedis: client(config.queueRedisUrl, 'rate-limit-test-queue'),
      logger: pino({ level: 'warn' }, lines),
    })
  })
  afterAll(() => app?.close())

  it('serves requests without limits (no 500) and logs the failure once', async () => {
    for (let i = 0; i < 3; i++) {
      const response = await app.inject('/v1/jobs/coingecko.1')
      expect(response.statusCode).toBe(404)
      expect(response.json().code).toBe('JOB_NOT_FOUND')
      expect(response.headers['ratelimit-limit']).toBeUndefined()
    }
    const storeWarnings = logged.filter((line) => line.msg.startsWith('rate-limit store'))
    expect(storeWarnings).toHaveLength(1)
  })
})
