import { cacheKey } from '@marketcache/shared/dataset'
import { coin } from '@marketcache/shared/datasets/coin'
import { tokenomics } from '@marketcache/shared/datasets/tokenomics'
import { encodeEnvelope } from '@marketcache/shared/envelope'
import { QueueName } from '@marketcache/shared/jobs'
import { datasetNames } from '@marketcache/shared/registry'
import { Worker } from 'bullmq'
import { Redis } from 'ioredis'
import { describe, expect, inject, it } from 'vitest'
import { AGE_SAMPLE_PER_DATASET } from '../../src/cache-census'
import { TOP_READS_KEPT } from '../../src/read-telemetry'
import { coinData, envelope, tokenomicsData, writeEntry } from '../fixtures/cache-writer'
import { useTestApp } from '../fixtures/test-app'

const t = useTestApp({}, { beforeEach: 'nothing' })

describe('GET /v1/cache/stats', () => {
  it('reports reads per dataset, keys, memory, provider calls and calls saved', async () => {
    const key = (dataset: typeof coin | typeof tokenomics, id: string) =>
      cacheKey(t.keys, dataset, { id })
    await writeEntry(t.redis, t.keys, key(coin, 'bitcoin'), envelope(coinData('bitcoin')))
    await writeEntry(
      t.redis,
      t.keys,
      key(coin, 'ethereum'),
      envelope(coinData('ethereum'), { ageMs: 400_000 }),
    )
    await writeEntry(t.redis, t.keys, key(coin, 'nope'), {
      notFound: true,
      fetchedAt: Date.now(),
      source: 'coingecko',
    })
    await writeEntry(
      t.redis,
      t.keys,
      key(tokenomics, 'bitcoin'),
      envelope(tokenomicsData('bitcoin')),
    )
    // What the worker counts per provider call.
    await t.redis.hset(
      t.keys.providerCalls(),
      'coingecko./coins/{id}',
      3,
      'coingecko./coins/markets',
      1,
    )

    const reads = [
      '/v1/coins/bitcoin',
      '/v1/coins/bitcoin',
      '/v1/coins/bitcoin/tokenomics',
      '/v1/coins/ethereum',
      '/v1/coins/nope',
      '/v1/coins/missing?wait=0',
      '/v1/coins?ids=bitcoin,missing-too&wait=0',
    ]
    for (const url of reads) await t.app.inject(url)

    const response = await t.app.inject('/v1/cache/stats')
    expect(response.statusCode).toBe(200)
    const stats = response.json()
    // bitcoin's second read came from this process's memory; the first of each key read Redis.
    expect(stats.l1.hits).toBeGreaterThanOrEqual(1)
    expect(stats.l1.misses).toBeGreaterThanOrEqual(4)
    expect(stats.l1.hit_rate).toBeCloseTo(stats.l1.hits / (stats.l1.hits + stats.l1.misses))
    expect(stats.reads.datasets.coin).toEqual({
      hits: 3,
      stale: 1,
      misses: 2,
      not_found: 1,
      hit_rate: 4 / 6,
    })
    expect(stats.reads.datasets.tokenomics).toEqual({
      hits: 1,
      stale: 0,
      misses: 0,
      not_found: 0,
      hit_rate: 1,
    })
    expect(stats.reads.total).toEqual({
      hits: 4,
      stale: 1,
      misses: 2,
      not_found: 1,
      hit_rate: 5 / 7,
    })
    // Every registered dataset is listed, with 0 when it has no entries.
    expect(stats.keys).toEqual({
      ...Object.fromEntries(datasetNames.map((name) => [name, 0])),
      coin: 3,
      tokenomics: 1,
    })
    expect(stats.memory.used_memory).toBeGreaterThan(0)
    expect(stats.memory.used_memory_human).toMatch(/\d/)
    expect(typeof stats.memory.maxmemory).toBe('number')
    expect(stats.provider_calls).toEqual({
      'coingecko./coins/{id}': 3,
      'coingecko./coins/markets': 1,
    })
    expect(stats.calls_saved).toBe(5)
    expect(stats.total_keys).toBe(4)
    // Most read first; a multi-get reads each of its ids; ties in no promised order.
    expect(stats.top_keys.coin[0]).toEqual({ key: key(coin, 'bitcoin'), reads: 3 })
    expect(stats.top_keys.coin.slice(1)).toEqual(
      expect.arrayContaining(
        ['ethereum', 'nope', 'missing', 'missing-too'].map((id) => ({
          key: key(coin, id),
          reads: 1,
        })),
      ),
    )
    expect(stats.top_keys.coin).toHaveLength(5)
    expect(stats.top_keys.tokenomics).toEqual([{ key: key(tokenomics, 'bitcoin'), reads: 1 }])
    expect(stats.top_keys.spot).toEqual([])
    // Ages over the entries with data: the negative entry has none (closeTo -1: within 5 s).
    expect(stats.age_seconds.coin).toEqual({
      oldest: expect.closeTo(400, -1),
      newest: expect.closeTo(0, -1),
      mean: expect.closeTo(200, -1),
      entries: 2,
    })
    expect(stats.age_seconds.tokenomics.entries).toBe(1)
    expect(stats.age_seconds.spot).toBeNull()
    // No worker has started a job: every window is closed.
    expect(stats.provider_quota).toEqual({
      coingecko: { used: 0, max: 30, remaining: 30, window_ms: 60_000, resets_in_ms: null },
      bybit: { used: 0, max: 20, remaining: 20, window_ms: 1000, resets_in_ms: null },
      ibkr: { used: 0, max: 10, remaining: 10, window_ms: 1000, resets_in_ms: null },
    })

    // Cached for a few seconds: more reads do not show yet.
    await t.app.inject('/v1/coins/bitcoin')
    expect((await t.app.inject('/v1/cache/stats')).json().reads.datasets.coin.hits).toBe(3)
  })

  it('flushes read counters to the shared hash by itself, about once a second', async () => {
    await t.app.inject('/v1/coins/solana/tokenomics?wait=0')
    const field = 'tokenomics.miss'
    let flushed: string | null = null
    for (let i = 0; i < 40 && flushed === null; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      flushed = await t.redis.hget(t.keys.readStats(), field)
    }
    expect(flushed).toBe('1')
  })
})

describe('GET /v1/cache/stats: keys and data age', () => {
  const fresh = useTestApp({}, { beforeEach: 'nothing' })

  it(`counts every key but ages at most ${AGE_SAMPLE_PER_DATASET} entries per dataset`, async () => {
    const count = AGE_SAMPLE_PER_DATASET + 5
    const pipeline = fresh.redis.pipeline()
    for (let i = 0; i < count; i++) {
      const key = cacheKey(fresh.keys, coin, { id: `coin-${i}` })
      pipeline.hset(key, ...encodeEnvelope(envelope(coinData(`coin-${i}`), { ageMs: 60_000 })))
      pipeline.pexpire(key, 600_000)
    }
    // A key of a dataset this version no longer has: counted in total_keys only.
    pipeline.hset(fresh.keys.cache('retired', 1, ['x']), 'fetchedAt', String(Date.now()))
    await pipeline.exec()

    const stats = (await fresh.app.inject('/v1/cache/stats')).json()
    expect(stats.keys.coin).toBe(count)
    expect(stats.total_keys).toBe(count + 1)
    expect(stats.keys).not.toHaveProperty('retired')
    expect(stats.age_seconds.coin).toEqual({
      oldest: expect.closeTo(60, -1),
      newest: expect.closeTo(60, -1),
      mean: expect.closeTo(60, -1),
      entries: AGE_SAMPLE_PER_DATASET,
    })
  })
})

describe('GET /v1/cache/stats: most-read keys', () => {
  const top = useTestApp({}, { beforeEach: 'nothing' })

  it('lists 20 per dataset, and a flood of distinct ids does not push out the hot keys', async () => {
    const key = (id: string) => cacheKey(top.keys, coin, { id })
    for (let i = 0; i < 25; i++) {
      await writeEntry(top.redis, top.keys, key(`hot-${i}`), envelope(coinData(`hot-${i}`)))
    }
    // hot-0 is read 26 times, hot-1 25, …, hot-24 twice.
    for (let i = 0; i < 25; i++) {
      for (let n = 0; n < 26 - i; n++) await top.app.inject(`/v1/coins/hot-${i}`)
    }
    // A hostile client: 2000 distinct ids in one multi-get flood (100 per request), read once each.
    for (let page = 0; page < 20; page++) {
      const ids = Array.from({ length: 100 }, (_, i) => `flood-${page}-${i}`).join(',')
      await top.app.inject(`/v1/coins?ids=${ids}&wait=0`)
    }
    const stats = (await top.app.inject('/v1/cache/stats')).json()
    expect(stats.top_keys.coin).toHaveLength(20)
    expect(stats.top_keys.coin).toEqual(
      Array.from({ length: 20 }, (_, i) => ({ key: key(`hot-${i}`), reads: 26 - i })),
    )
    expect(await top.redis.zcard(top.keys.topReads('coin'))).toBeLessThanOrEqual(TOP_READS_KEPT)
  })
})

describe('GET /v1/cache/stats: provider quota', () => {
  const quota = useTestApp(
    { COINGECKO_RATE_MAX: '5', COINGECKO_RATE_DURATION_MS: '30000' },
    { beforeEach: 'nothing' },
  )

  it("shows the jobs a worker started in its limiter's window, and a pause as all used", async () => {
    const connection = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null })
    const worker = (name: QueueName, limiter: { max: number; duration: number }) =>
      new Worker(name, async () => 'done', {
        connection,
        prefix: quota.config.queuePrefix,
        limiter,
      })
    const coingecko = worker(QueueName.coingecko, { max: 5, duration: 30_000 })
    const ibkr = worker(QueueName.ibkr, { max: 10, duration: 1000 })
    try {
      const done = new Promise((resolve) => {
        let completed = 0
        coingecko.on('completed', () => ++completed === 2 && resolve(undefined))
      })
      await quota.queues.coingecko.addBulk([
        { name: 'refresh', data: {} },
        { name: 'refresh', data: {} },
      ])
      await done
      // What the worker does on a 429: the queue pauses for the Retry-After.
      await ibkr.rateLimit(20_000)

      const stats = (await quota.app.inject('/v1/cache/stats')).json()
      expect(stats.provider_quota.coingecko).toEqual({
        used: 2,
        max: 5,
        remaining: 3,
        window_ms: 30_000,
        resets_in_ms: expect.any(Number),
      })
      expect(stats.provider_quota.coingecko.resets_in_ms).toBeGreaterThan(20_000)
      expect(stats.provider_quota.coingecko.resets_in_ms).toBeLessThanOrEqual(30_000)
      expect(stats.provider_quota.ibkr).toMatchObject({ used: 10, max: 10, remaining: 0 })
      expect(stats.provider_quota.ibkr.resets_in_ms).toBeGreaterThan(10_000)
      expect(stats.provider_quota.bybit).toMatchObject({ used: 0, remaining: 20 })
    } finally {
      await Promise.all([coingecko.close(), ibkr.close()])
      await connection.quit()
    }
  })
})
