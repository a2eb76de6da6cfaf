import { cacheKey } from '@marketcache/shared/dataset'
import { coin } from '@marketcache/shared/datasets/coin'
import { tokenomics } from '@marketcache/shared/datasets/tokenomics'
import { datasetNames } from '@marketcache/shared/registry'
import { describe, expect, it } from 'vitest'
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
