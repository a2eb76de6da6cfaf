import { cacheKey } from '@marketcache/shared/dataset'
import { coin } from '@marketcache/shared/datasets/coin'
import { encodeEnvelope } from '@marketcache/shared/envelope'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { coinData, envelope, writeEntry } from './fixtures/cache-writer'
import { eventually, useTestApp } from './fixtures/test-app'

describe('L1, kept coherent by the written events', () => {
  // A short safety bound, so the silent-change test does not wait a minute.
  const t = useTestApp({ L1_MAX_AGE_MS: '300' })
  let replica: FastifyInstance
  beforeAll(async () => {
    replica = await t.replica()
  })
  afterAll(() => replica.close())

  const key = (id: string) => cacheKey(t.keys, coin, { id })
  const read = (app: FastifyInstance, id: string) => app.inject(`/v1/coins/${id}?wait=0`)
  /** Every API process serves `data` for `id` again (from L1 or Redis). */
  const servedEverywhere = (id: string, data: string) =>
    eventually(async () => {
      const answers = await Promise.all([read(t.app, id), read(replica, id)])
      return answers.every((a) => a.body === data) ? answers : undefined
    })

  it('serves the second read of an entry from memory, and says so', async () => {
    await writeEntry(t.redis, t.keys, key('bitcoin'), envelope(coinData('bitcoin')))
    const first = await read(t.app, 'bitcoin')
    expect(first.headers['x-cache-layer']).toBe('L2')
    const second = await read(t.app, 'bitcoin')
    expect(second.headers['x-cache-layer']).toBe('L1')
    expect(second.body).toBe(first.body)
    expect(second.headers.etag).toBe(first.headers.etag)
  })

  it('a write reaches the L1 of every API process', async () => {
    await writeEntry(t.redis, t.keys, key('ethereum'), envelope(coinData('ethereum', 1)))
    await servedEverywhere('ethereum', coinData('ethereum', 1))
    await servedEverywhere('ethereum', coinData('ethereum', 1))
    await writeEntry(t.redis, t.keys, key('ethereum'), envelope(coinData('ethereum', 2)))
    await servedEverywhere('ethereum', coinData('ethereum', 2))
  })

  it('a not-found and a deletion reach every L1', async () => {
    await writeEntry(t.redis, t.keys, key('solana'), envelope(coinData('solana')))
    await servedEverywhere('solana', coinData('solana'))
    await writeEntry(t.redis, t.keys, key('solana'), {
      notFound: true,
      fetchedAt: Date.now(),
      source: 'coingecko',
    })
    await eventually(async () => {
      const answers = await Promise.all([read(t.app, 'solana'), read(replica, 'solana')])
      return answers.every((a) => a.statusCode === 404) ? true : undefined
    })
    // An invalidation's delete: the key goes, and its event names it without an etag.
    await writeEntry(t.redis, t.keys, key('solana'), envelope(coinData('solana')))
    await servedEverywhere('solana', coinData('solana'))
    await t.redis.del(key('solana'))
    await t.redis.publish(t.keys.writtenChannel(), JSON.stringify({ key: key('solana') }))
    await eventually(async () => {
      const answers = await Promise.all([read(t.app, 'solana'), read(replica, 'solana')])
      return answers.every((a) => a.statusCode === 503) ? true : undefined
    })
  })

  it('turns a HIT STALE by the clock alone, from memory, and enqueues the refresh', async () => {
    const fetchedAt = Date.now()
    const soon = envelope(coinData('cardano'), { freshUntil: fetchedAt + 150 })
    await writeEntry(t.redis, t.keys, key('cardano'), soon)
    await read(t.app, 'cardano')
    expect((await read(t.app, 'cardano')).headers['x-cache-status']).toBe('HIT')
    await new Promise((resolve) => setTimeout(resolve, 200))
    const stale = await read(t.app, 'cardano')
    expect(stale.headers['x-cache-status']).toBe('STALE')
    expect(stale.headers['x-cache-layer']).toBe('L1')
    expect((await t.pendingJobs()).map((job) => job.data.id)).toContain('cardano')
  })

  it('serves a change nobody announced only after L1_MAX_AGE_MS', async () => {
    await writeEntry(t.redis, t.keys, key('tron'), envelope(coinData('tron', 1)))
    await read(t.app, 'tron')
    // Behind the events' back (as an eviction would be): HSET without PUBLISH.
    await t.redis.hset(key('tron'), ...encodeEnvelope(envelope(coinData('tron', 2))))
    expect((await read(t.app, 'tron')).body).toBe(coinData('tron', 1))
    await new Promise((resolve) => setTimeout(resolve, 350))
    expect((await read(t.app, 'tron')).body).toBe(coinData('tron', 2))
  })

  it('is emptied and bypassed while the subscriber is away', async () => {
    await writeEntry(t.redis, t.keys, key('dogecoin'), envelope(coinData('dogecoin', 1)))
    await read(t.app, 'dogecoin')
    expect((await read(t.app, 'dogecoin')).headers['x-cache-layer']).toBe('L1')
    await t.redis.hset(key('dogecoin'), ...encodeEnvelope(envelope(coinData('dogecoin', 2))))
    // Drop this app's subscriber connections (not other tests'): events meanwhile are lost.
    const clients = (await t.redis.client('LIST')) as string
    const name = `mc-api-written-events:${t.config.keyPrefix}`
    const ours = clients.split('\n').filter((line) => line.includes(` name=${name} `))
    expect(ours.length).toBeGreaterThan(0)
    for (const line of ours) await t.redis.client('KILL', 'ID', /id=(\d+)/.exec(line)?.[1] ?? '')
    const after = await eventually(async () => {
      const response = await read(t.app, 'dogecoin')
      return response.body === coinData('dogecoin', 2) ? response : undefined
    })
    expect(after.headers['x-cache-layer']).toBe('L2')
    // Once it is back, copies are kept again.
    await eventually(async () =>
      (await read(t.app, 'dogecoin')).headers['x-cache-layer'] === 'L1' ? true : undefined,
    )
  })
})

describe('L1 off (L1_MAX_BYTES=0)', () => {
  const t = useTestApp({ L1_MAX_BYTES: '0' })
  it('reads Redis every time', async () => {
    const key = cacheKey(t.keys, coin, { id: 'bitcoin' })
    await writeEntry(t.redis, t.keys, key, envelope(coinData('bitcoin')))
    for (let i = 0; i < 3; i++) {
      expect((await t.app.inject('/v1/coins/bitcoin')).headers['x-cache-layer']).toBe('L2')
    }
  })
})
