import { cacheKey } from '@marketcache/shared/dataset'
import { coin } from '@marketcache/shared/datasets/coin'
import { compressedIfLarge } from '@marketcache/shared/envelope'
import { beforeAll, describe, expect, it } from 'vitest'
import { coinData, envelope, writeEntry } from './fixtures/cache-writer'
import { stableHeaders as stable } from './fixtures/stable-headers'
import { eventually, useTestApp } from './fixtures/test-app'

/**
 * With L1 off, a plain hit is read from Redis by the one reader and answered before the
 * framework: over real HTTP (app.inject() bypasses the server, and so the fast lane) it must be
 * exactly what the full read path sends, read fresh from Redis every time, and leave everything
 * that is not a plain HIT to the full path.
 */
const t = useTestApp({
  L1_MAX_BYTES: '0',
  RATE_LIMIT_MAX: '40',
  RATE_LIMIT_COSTLY_MAX: '10',
  READ_WAIT_MS: '200',
})
let base: string

beforeAll(async () => {
  base = await t.app.listen({ host: '127.0.0.1', port: 0 })
})

const key = (id: string) => cacheKey(t.keys, coin, { id })
const seed = (id: string, overrides = {}, publish = true) =>
  writeEntry(t.redis, t.keys, key(id), envelope(coinData(id), overrides), { publish })
const get = async (path: string, headers: Record<string, string> = {}) => {
  const response = await fetch(`${base}${path}`, { headers })
  return { response, body: await response.text() }
}

describe('a plain hit over HTTP with L1 off', () => {
  it('carries exactly the headers and body of the full read path, from L2', async () => {
    await seed('alpha')
    // ?wait= takes the full path; the plain URL may take the fast lane.
    const full = await get('/v1/coins/alpha?wait=1000')
    const plain = await get('/v1/coins/alpha')
    expect(plain.response.status).toBe(200)
    expect(plain.body).toBe(full.body)
    expect(plain.body).toBe(coinData('alpha'))
    expect(stable(plain.response)).toEqual(stable(full.response))
    expect(stable(plain.response)).toMatchObject({
      'x-cache-status': 'HIT',
      'x-cache-layer': 'L2',
      'content-type': 'application/json; charset=utf-8',
      'ratelimit-limit': '40',
    })
  })

  it('reads Redis on every request: an unannounced rewrite is served at once', async () => {
    await seed('beta', { etag: 'v1' })
    expect((await get('/v1/coins/beta')).response.headers.get('etag')).toBe('"v1"')
    await seed('beta', { etag: 'v2' }, false)
    expect((await get('/v1/coins/beta')).response.headers.get('etag')).toBe('"v2"')
  })

  it('leaves STALE, MISS and not-found to the full path', async () => {
    await seed('gamma', { ageMs: 400_000 })
    const stale = await get('/v1/coins/gamma')
    expect(stale.response.headers.get('x-cache-status')).toBe('STALE')
    expect(stale.body).toBe(coinData('gamma'))
    const ids = await eventually(async () => {
      const pending = (await t.pendingJobs()).map((job) => job.data.id)
      return pending.includes('gamma') ? pending : undefined
    })
    expect(ids).toContain('gamma')

    await writeEntry(t.redis, t.keys, key('nothing'), {
      notFound: true,
      fetchedAt: Date.now(),
      source: 'coingecko',
    })
    const gone = await get('/v1/coins/nothing')
    expect(gone.response.status).toBe(404)
    expect(JSON.parse(gone.body)).toMatchObject({ code: 'NOT_FOUND' })

    // No worker here: the miss enqueues its fill, waits READ_WAIT_MS for it and says so.
    const cold = await get('/v1/coins/cold-coin')
    expect(cold.response.status).toBe(503)
    expect(JSON.parse(cold.body)).toMatchObject({ code: 'FILL_PENDING' })
    expect((await t.pendingJobs()).map((job) => job.data.id)).toContain('cold-coin')
  })

  it('hands what it read to the full path: a STALE or gzipped entry is read from Redis once', async () => {
    const large = JSON.stringify({ ...JSON.parse(coinData('large')), pad: 'x'.repeat(4000) })
    await seed('stale', { ageMs: 400_000 })
    await writeEntry(t.redis, t.keys, key('large'), compressedIfLarge(envelope(large)))
    const monitor = await t.redis.monitor()
    const reads: string[] = []
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args[0]?.toLowerCase() === 'hmget') reads.push(args[1] ?? '')
    })
    try {
      expect((await get('/v1/coins/stale')).response.headers.get('x-cache-status')).toBe('STALE')
      const gzipped = await get('/v1/coins/large')
      expect(gzipped.response.headers.get('x-cache-status')).toBe('HIT')
      expect(gzipped.body).toBe(large)
      // MONITOR shows commands as they run; a marker after them says every earlier one was seen.
      await t.redis.hmget(key('marker'), 'data')
      await eventually(async () => (reads.includes(key('marker')) ? true : undefined))
    } finally {
      monitor.disconnect()
    }
    expect(reads.filter((read) => read === key('stale'))).toHaveLength(1)
    expect(reads.filter((read) => read === key('large'))).toHaveLength(1)
  })

  it('counts its hits in the stats and the metrics like any other read', async () => {
    await seed('delta')
    for (let i = 0; i < 5; i++) await get('/v1/coins/delta')
    const stats = (await t.app.inject('/v1/cache/stats')).json()
    expect(stats.top_keys.coin).toContainEqual({ key: key('delta'), reads: 5 })
    const metrics = (await t.app.inject('/metrics')).body
    const hits = /marketcache_reads_total\{dataset="coin",outcome="HIT"\} (\d+)/.exec(metrics)
    expect(Number(hits?.[1])).toBeGreaterThanOrEqual(5)
    expect(metrics).toMatch(/marketcache_data_age_seconds_count\{dataset="coin"\} [1-9]\d*/)
  })

  it('spends the same per-client budget: the request past it is a 429', async () => {
    await seed('budget')
    const statuses: number[] = []
    for (let i = 0; i < 60 && !statuses.includes(429); i++) {
      statuses.push((await get('/v1/coins/budget')).response.status)
    }
    expect(statuses).toContain(429)
    expect(statuses.filter((status) => status === 200).length).toBeLessThanOrEqual(40)
  })
})
