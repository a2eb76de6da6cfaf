import { cacheKey } from '@marketcache/shared/dataset'
import { coin } from '@marketcache/shared/datasets/coin'
import { tokenomics } from '@marketcache/shared/datasets/tokenomics'
import { Priority } from '@marketcache/shared/jobs'
import { describe, expect, it } from 'vitest'
import { coinData, envelope, tokenomicsData, writeEntry } from '../fixtures/cache-writer'
import { eventually, useTestApp } from '../fixtures/test-app'

// Each test starts with an empty cache and queue under this file's prefixes.
const t = useTestApp({ ERROR_RETRY_MS: '30000' })

const coinKey = (id: string) => cacheKey(t.keys, coin, { id })
const get = (url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url, headers })

describe('GET /v1/coins/:id: hits', () => {
  it('serves a fresh entry as HIT with the stored bytes and every cache header', async () => {
    const data = coinData('bitcoin')
    const entry = envelope(data, { ageMs: 10_000, etag: 'abc123' })
    await writeEntry(t.redis, t.keys, coinKey('bitcoin'), entry)

    const first = await get('/v1/coins/bitcoin')
    expect(first.statusCode).toBe(200)
    expect(first.body).toBe(data)
    expect(first.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(first.headers['x-cache-status']).toBe('HIT')
    expect(first.headers.etag).toBe('"abc123"')
    expect(Number(first.headers.age)).toBeGreaterThanOrEqual(10)
    expect(first.headers['x-data-as-of']).toBe(new Date(entry.asOf).toISOString())
    expect(first.headers['cache-control']).toMatch(
      /^public, max-age=(28\d|29\d), stale-while-revalidate=600$/,
    )

    const second = await get('/v1/coins/bitcoin')
    expect(second.headers.etag).toBe(first.headers.etag)
    expect(second.body).toBe(data)
    expect(await t.pendingJobs()).toHaveLength(0)
  })

  it('answers 304 when If-None-Match matches, with the cache headers and no body', async () => {
    await writeEntry(
      t.redis,
      t.keys,
      coinKey('bitcoin'),
      envelope(coinData('bitcoin'), { etag: 'v7' }),
    )
    const response = await get('/v1/coins/bitcoin', { 'if-none-match': '"v7"' })
    expect(response.statusCode).toBe(304)
    expect(response.body).toBe('')
    expect(response.headers.etag).toBe('"v7"')
    expect(response.headers['x-cache-status']).toBe('HIT')
    expect((await get('/v1/coins/bitcoin', { 'if-none-match': '"v6"' })).statusCode).toBe(200)
  })

  it('canonicalises the id: Bitcoin and bitcoin are one entry', async () => {
    await writeEntry(t.redis, t.keys, coinKey('bitcoin'), envelope(coinData('bitcoin')))
    expect((await get('/v1/coins/BitCoin')).headers['x-cache-status']).toBe('HIT')
  })

  it('past the refresh-ahead threshold, still HIT, and enqueues one low-priority refresh', async () => {
    // 260 s into a 300 s window: past 80 %.
    await writeEntry(
      t.redis,
      t.keys,
      coinKey('ethereum'),
      envelope(coinData('ethereum'), { ageMs: 260_000 }),
    )
    const responses = await Promise.all(Array.from({ length: 10 }, () => get('/v1/coins/ethereum')))
    expect(responses.map((r) => r.headers['x-cache-status'])).toEqual(Array(10).fill('HIT'))
    const [job] = await eventually(async () => {
      const jobs = await t.pendingJobs()
      return jobs.length > 0 ? jobs : undefined
    })
    expect(job?.name).toBe('coingecko.coin')
    expect(job?.data).toEqual({
      id: 'ethereum',
      origin: 'refresh-ahead',
      seenAt: expect.any(Number),
    })
    expect(job?.opts.priority).toBe(Priority['refresh-ahead'])
    expect(await t.pendingJobs()).toHaveLength(1)
  })

  it('serves tokenomics through the same handler', async () => {
    const data = tokenomicsData('bitcoin')
    await writeEntry(
      t.redis,
      t.keys,
      cacheKey(t.keys, tokenomics, { id: 'bitcoin' }),
      envelope(data),
    )
    const response = await get('/v1/coins/bitcoin/tokenomics')
    expect(response.statusCode).toBe(200)
    expect(response.body).toBe(data)
  })
})

describe('GET /v1/coins/:id: stale and failed entries', () => {
  it('serves STALE and enqueues exactly one refresh, however many read at once', async () => {
    const data = coinData('solana')
    const stale = envelope(data, { ageMs: 400_000 })
    await writeEntry(t.redis, t.keys, coinKey('solana'), stale)
    const responses = await Promise.all(Array.from({ length: 30 }, () => get('/v1/coins/solana')))
    for (const response of responses) {
      expect(response.statusCode).toBe(200)
      expect(response.headers['x-cache-status']).toBe('STALE')
      expect(response.headers['cache-control']).toMatch(
        /^public, max-age=0, stale-while-revalidate=600$/,
      )
      expect(response.body).toBe(data)
    }
    const jobs = await eventually(async () => {
      const found = await t.pendingJobs()
      return found.length > 0 ? found : undefined
    })
    // Give any straggling add time to land before counting.
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(await t.pendingJobs()).toHaveLength(1)
    expect(jobs[0]?.opts.priority).toBe(Priority.stale)
    // Any version newer than the stale one it read is the refresh.
    expect(jobs[0]?.data).toEqual({ id: 'solana', origin: 'stale', seenAt: stale.fetchedAt + 1 })
  })

  it('after a failed refresh, serves STALE with X-Cache-Error and enqueues nothing', async () => {
    const entry = envelope(coinData('dogecoin'), {
      ageMs: 400_000,
      lastError: 'coingecko answered 500',
      lastErrorAt: Date.now() - 1000,
    })
    await writeEntry(t.redis, t.keys, coinKey('dogecoin'), entry)
    const response = await get('/v1/coins/dogecoin')
    expect(response.statusCode).toBe(200)
    expect(response.headers['x-cache-status']).toBe('STALE')
    expect(response.headers['x-cache-error']).toBe('coingecko answered 500')
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(await t.pendingJobs()).toHaveLength(0)
  })

  it('asks again once ERROR_RETRY_MS has passed since the failure', async () => {
    const entry = envelope(coinData('cardano'), {
      ageMs: 400_000,
      lastError: 'timeout',
      lastErrorAt: Date.now() - 31_000,
    })
    await writeEntry(t.redis, t.keys, coinKey('cardano'), entry)
    const response = await get('/v1/coins/cardano')
    expect(response.headers['x-cache-error']).toBe('timeout')
    const jobs = await eventually(async () => {
      const found = await t.pendingJobs()
      return found.length > 0 ? found : undefined
    })
    expect(jobs[0]?.opts.priority).toBe(Priority.stale)
  })

  it('answers 404 NOT_FOUND for a negative entry and enqueues nothing', async () => {
    await writeEntry(t.redis, t.keys, coinKey('no-such-coin'), {
      notFound: true,
      fetchedAt: Date.now(),
      source: 'coingecko',
    })
    const response = await get('/v1/coins/no-such-coin')
    expect(response.statusCode).toBe(404)
    expect(response.json()).toMatchObject({
      statusCode: 404,
      code: 'NOT_FOUND',
      error: 'Not Found',
    })
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(await t.pendingJobs()).toHaveLength(0)
  })
})
