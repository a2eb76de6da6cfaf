import {
  deletePrefix,
  type RunningRedis,
  startPrivateRedis,
  testPrefix,
} from '@marketcache/devkit/redis'
import { cacheKey } from '@marketcache/shared/dataset'
import { coin } from '@marketcache/shared/datasets/coin'
import { Keys } from '@marketcache/shared/keys'
import type { InjectOptions } from 'fastify'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app'
import { loadConfig } from '../src/config'
import { createApiClients } from '../src/redis-clients'
import { coinData, envelope, writeEntry } from './fixtures/cache-writer'
import { eventually, TestKeys, useTestApp } from './fixtures/test-app'

/** Generous, but far below a hang: the client must not wait for Redis to come back. */
const FAST_MS = 1000

let redis: RunningRedis
let port: number
beforeAll(async () => {
  redis = await startPrivateRedis()
  port = Number(new URL(redis.url).port)
})
// Registered after the private Redis: starts once it is up, and closes before it stops.
afterAll(() => redis?.stop())
const t = useTestApp({}, { redisUrl: () => redis.url, beforeEach: 'nothing' })

const timed = async (request: InjectOptions) => {
  const started = performance.now()
  const response = await t.app.inject(request)
  return { response, elapsed: performance.now() - started }
}
const seedBitcoin = () =>
  writeEntry(
    t.redis,
    t.keys,
    cacheKey(t.keys, coin, { id: 'bitcoin' }),
    envelope(coinData('bitcoin')),
  )

describe('when Redis goes away and comes back', () => {
  it('answers 503 BACKEND_UNAVAILABLE fast, then recovers without a restart', async () => {
    await seedBitcoin()
    expect((await t.app.inject('/v1/coins/bitcoin')).statusCode).toBe(200)

    await redis.stop()
    // Until its connections notice, the app may still serve the copy it holds in L1 (it was
    // coherent up to the outage); once they do, L1 is dropped and every read goes to Redis.
    await eventually(async () => (t.redis.status !== 'ready' ? true : undefined), {
      timeoutMs: 5000,
    })
    await new Promise((resolve) => setTimeout(resolve, 50))

    const requests = [
      { method: 'GET' as const, url: '/v1/coins/bitcoin' },
      { method: 'GET' as const, url: '/v1/coins/ethereum?wait=5000' },
      { method: 'GET' as const, url: '/v1/coins?ids=bitcoin,ethereum' },
      { method: 'GET' as const, url: '/v1/cache/stats' },
      {
        method: 'POST' as const,
        url: '/v1/update-cache',
        payload: { coin_id: 'bitcoin' },
        headers: { authorization: `Bearer ${TestKeys.writer}` },
      },
      { method: 'GET' as const, url: '/v1/crypto-collar?underlying=BTC' },
      {
        method: 'POST' as const,
        url: '/v1/backtests/batch',
        payload: { symbols: ['BTCUSDT', 'ETHUSDT'] },
        headers: { authorization: `Bearer ${TestKeys.writer}` },
      },
      { method: 'GET' as const, url: '/v1/backtests/batch/derive.1' },
    ]
    for (const request of requests) {
      const { response, elapsed } = await timed(request)
      expect(response.statusCode, request.url).toBe(503)
      expect(response.json()).toMatchObject({
        statusCode: 503,
        code: 'BACKEND_UNAVAILABLE',
        error: 'Service Unavailable',
      })
      expect(response.json().message).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|stack/)
      expect(response.headers['retry-after']).toBe('2')
      expect(elapsed, request.url).toBeLessThan(FAST_MS)
    }

    const ready = await timed({ method: 'GET', url: '/health/ready' })
    expect(ready.response.statusCode).toBe(503)
    expect(ready.response.json().code).toBe('BACKEND_UNAVAILABLE')
    expect(ready.elapsed).toBeLessThan(FAST_MS)
    expect((await t.app.inject('/health')).statusCode).toBe(200)

    redis = await startPrivateRedis({ port })
    // The private server is diskless: the worker would refill it; the fixture does.
    await eventually(async () => (t.redis.status === 'ready' ? true : undefined), {
      timeoutMs: 10_000,
    })
    await seedBitcoin()
    const recovered = await eventually(
      async () => {
        const response = await t.app.inject('/v1/coins/bitcoin')
        return response.statusCode === 200 ? response : undefined
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    )
    expect(recovered.headers['x-cache-status']).toBe('HIT')
    await eventually(
      async () => ((await t.app.inject('/health/ready')).statusCode === 200 ? true : undefined),
      { timeoutMs: 10_000, intervalMs: 100 },
    )

    // The queue and the written-event subscription are back too: a miss fills and answers MISS.
    const pending = t.app.inject('/v1/coins/ethereum?wait=5000')
    await eventually(async () => ((await t.pendingJobs()).length > 0 ? true : undefined), {
      timeoutMs: 5000,
    })
    await writeEntry(
      t.redis,
      t.keys,
      cacheKey(t.keys, coin, { id: 'ethereum' }),
      envelope(coinData('ethereum')),
    )
    const miss = await pending
    expect(miss.statusCode).toBe(200)
    expect(miss.headers['x-cache-status']).toBe('MISS')
  })
})

describe('when Redis is down at start-up', () => {
  it('starts anyway, answers 503, and works once Redis appears', async () => {
    const down = await startPrivateRedis()
    const url = down.url
    await down.stop()
    const config = loadConfig({
      CACHE_REDIS_URL: url,
      KEY_PREFIX: testPrefix('mc'),
      QUEUE_PREFIX: testPrefix('q'),
      LOG_LEVEL: 'silent',
      API_KEYS: `${TestKeys.writer}:write`,
    })
    const { cacheRedis, queueRedis } = createApiClients(config)
    const app = await buildApp({ config, cacheRedis, queueRedis })
    let late: RunningRedis | undefined
    const fixture = new Redis(url, { lazyConnect: true })
    fixture.on('error', () => {})
    try {
      const { statusCode } = await app.inject('/v1/coins/bitcoin')
      expect(statusCode).toBe(503)

      late = await startPrivateRedis({ port: Number(new URL(url).port) })
      await fixture.connect()
      // Enqueueing works: BullMQ's queues were not poisoned by the failed start.
      const accepted = await eventually(
        async () => {
          const response = await app.inject({
            method: 'POST',
            url: '/v1/update-cache',
            payload: { coin_id: 'bitcoin' },
            headers: { authorization: `Bearer ${TestKeys.writer}` },
          })
          return response.statusCode === 202 ? response : undefined
        },
        { timeoutMs: 10_000, intervalMs: 100 },
      )
      expect(accepted.json().jobs[0].id).toMatch(/^coingecko\./)
      // So was the batch flow producer.
      const batch = await app.inject({
        method: 'POST',
        url: '/v1/backtests/batch',
        payload: { symbols: ['BTCUSDT'] },
        headers: { authorization: `Bearer ${TestKeys.writer}` },
      })
      expect(batch.statusCode).toBe(202)
      const status = await app.inject(`/v1/backtests/batch/${batch.json().batch.id}`)
      expect(status.json()).toMatchObject({ state: 'waiting-children', pending: 1 })

      // The written-event subscription, queued while Redis was away, is active now.
      const keys = new Keys(config.keyPrefix)
      // Its reconnect backs off up to 2 s, and a loaded machine adds to that: wait until Redis
      // counts the subscriber, so the timing below measures the event, not the reconnect.
      await eventually(
        async () => {
          const [, subscribers] = (await fixture.pubsub('NUMSUB', keys.writtenChannel())) as [
            string,
            number,
          ]
          return subscribers > 0 ? true : undefined
        },
        { timeoutMs: 10_000, intervalMs: 50 },
      )
      const pending = app.inject('/v1/coins/bitcoin?wait=5000')
      await new Promise((resolve) => setTimeout(resolve, 200))
      await writeEntry(
        fixture,
        keys,
        cacheKey(keys, coin, { id: 'bitcoin' }),
        envelope(coinData('bitcoin')),
      )
      const started = performance.now()
      const response = await pending
      expect(response.headers['x-cache-status']).toBe('MISS')
      expect(performance.now() - started).toBeLessThan(2000)
    } finally {
      await app.close()
      if (late) {
        await deletePrefix(fixture, config.keyPrefix)
        await deletePrefix(fixture, config.queuePrefix)
      }
      fixture.disconnect()
      await late?.stop()
    }
  })
})
