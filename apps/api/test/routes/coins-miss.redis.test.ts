import { cacheKey } from '@marketcache/shared/dataset'
import { coin } from '@marketcache/shared/datasets/coin'
import { Priority } from '@marketcache/shared/jobs'
import { describe, expect, it } from 'vitest'
import { coinData, envelope, writeEntry } from '../fixtures/cache-writer'
import { eventually, TestKeys, useTestApp } from '../fixtures/test-app'

// Each test starts with an empty cache and queue under this file's prefixes.
const t = useTestApp()

const coinKey = (id: string) => cacheKey(t.keys, coin, { id })
const get = (url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url, headers })
/** `fresh=true` needs a key with the write scope. */
const asWriter = { 'x-api-key': TestKeys.writer }

describe('GET /v1/coins/:id: misses', () => {
  it('enqueues a miss-priority fetch and answers MISS when the write lands within the wait', async () => {
    const data = coinData('polkadot')
    const pending = get('/v1/coins/polkadot?wait=5000')
    const [job] = await eventually(async () => {
      const jobs = await t.pendingJobs()
      return jobs.length > 0 ? jobs : undefined
    })
    expect(job?.name).toBe('coingecko.coin')
    expect(job?.data).toEqual({ id: 'polkadot', origin: 'miss', seenAt: 0 })
    expect(job?.opts.priority).toBe(Priority.miss)

    await writeEntry(t.redis, t.keys, coinKey('polkadot'), envelope(data, { etag: 'fresh1' }))
    const response = await pending
    expect(response.statusCode).toBe(200)
    expect(response.headers['x-cache-status']).toBe('MISS')
    expect(response.headers.etag).toBe('"fresh1"')
    expect(response.body).toBe(data)
  })

  it('answers 503 FILL_PENDING with Retry-After and a job id that /v1/jobs resolves', async () => {
    const started = Date.now()
    const response = await get('/v1/coins/litecoin?wait=200')
    expect(Date.now() - started).toBeGreaterThanOrEqual(190)
    expect(response.statusCode).toBe(503)
    expect(response.headers['retry-after']).toBe('1')
    const body = response.json()
    expect(body).toMatchObject({
      statusCode: 503,
      code: 'FILL_PENDING',
      error: 'Service Unavailable',
    })
    expect(body.jobId).toMatch(/^coingecko\.\d+$/)
    expect(response.headers.location).toBe(`/v1/jobs/${body.jobId}`)

    const job = await get(`/v1/jobs/${body.jobId}`)
    expect(job.statusCode).toBe(200)
    expect(job.json()).toMatchObject({
      id: body.jobId,
      queue: 'coingecko',
      name: 'coingecko.coin',
      state: 'prioritized',
      attemptsMade: 0,
      attempts: 4,
      failedReason: null,
      finishedAt: null,
    })
  })

  it('turns 50 concurrent cold reads into exactly one job, all pointing at it', async () => {
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => get('/v1/coins/tron?wait=100')),
    )
    const ids = new Set(responses.map((r) => r.json().jobId))
    expect(responses.every((r) => r.statusCode === 503)).toBe(true)
    expect(ids.size).toBe(1)
    expect(await t.coingecko.getJobCounts('prioritized', 'waiting')).toEqual({
      prioritized: 1,
      waiting: 0,
    })
    const [job] = await t.pendingJobs()
    expect(await t.coingecko.getDeduplicationJobId('coingecko.coin|tron')).toBe(job?.id)
  })

  it('deduplicates across replicas: two API processes, 40 cold reads, one job', async () => {
    const replica = await t.replica()
    try {
      const apps = [t.app, replica]
      const responses = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          apps[i % 2]!.inject({ method: 'GET', url: '/v1/coins/avalanche-2?wait=100' }),
        ),
      )
      expect(new Set(responses.map((r) => r.json().jobId)).size).toBe(1)
      expect(await t.pendingJobs()).toHaveLength(1)
    } finally {
      await replica.close()
    }
  })

  it('serves an expired entry still inside its error window as STALE when the fetch is late', async () => {
    const data = coinData('stellar')
    // Past staleUntil (300 + 600 s) but inside errorUntil (300 + 3600 s).
    await writeEntry(t.redis, t.keys, coinKey('stellar'), envelope(data, { ageMs: 1_000_000 }))
    const response = await get('/v1/coins/stellar?wait=100')
    expect(response.statusCode).toBe(200)
    expect(response.headers['x-cache-status']).toBe('STALE')
    expect(response.body).toBe(data)
    expect(await t.pendingJobs()).toHaveLength(1)
  })

  it('answers STALE with X-Cache-Error, not MISS, when the refresh of an expired entry fails during the wait', async () => {
    const data = coinData('tron')
    const expired = envelope(data, { ageMs: 1_000_000, etag: 'old' })
    await writeEntry(t.redis, t.keys, coinKey('tron'), expired)
    const pending = get('/v1/coins/tron?wait=5000')
    await eventually(async () => ((await t.pendingJobs()).length > 0 ? true : undefined))

    // What the worker does after the last attempt: mark the same version and publish.
    const failed = { ...expired, lastError: 'provider 500', lastErrorAt: Date.now() }
    await writeEntry(t.redis, t.keys, coinKey('tron'), failed)
    const response = await pending
    expect(response.statusCode).toBe(200)
    expect(response.headers['x-cache-status']).toBe('STALE')
    expect(response.headers['x-cache-error']).toBe('provider 500')
    expect(response.body).toBe(data)
  })

  it('treats data older than maxStaleness as absent', async () => {
    await writeEntry(
      t.redis,
      t.keys,
      coinKey('monero'),
      envelope(coinData('monero'), { ageMs: 60_000 }),
    )
    expect((await get('/v1/coins/monero?maxStaleness=120')).headers['x-cache-status']).toBe('HIT')
    const response = await get('/v1/coins/monero?maxStaleness=30&wait=100')
    expect(response.statusCode).toBe(503)
    expect(response.json().code).toBe('FILL_PENDING')
    const [job] = await t.pendingJobs()
    expect(job?.opts.priority).toBe(Priority.miss)
  })

  it('fresh=true forces an update-priority refresh of a fresh entry and answers MISS with the new data', async () => {
    await writeEntry(
      t.redis,
      t.keys,
      coinKey('chainlink'),
      envelope(coinData('chainlink', 1), { etag: 'old' }),
    )
    const pending = get('/v1/coins/chainlink?fresh=true&wait=5000', asWriter)
    const [job] = await eventually(async () => {
      const jobs = await t.pendingJobs()
      return jobs.length > 0 ? jobs : undefined
    })
    expect(job?.opts.priority).toBe(Priority.update)
    expect(job?.data).toEqual({ id: 'chainlink', origin: 'update' })

    const data = coinData('chainlink', 2)
    await writeEntry(t.redis, t.keys, coinKey('chainlink'), envelope(data, { etag: 'new' }))
    const response = await pending
    expect(response.headers['x-cache-status']).toBe('MISS')
    expect(response.headers.etag).toBe('"new"')
    expect(response.body).toBe(data)
  })

  it('fresh=true that does not land in time serves the current entry as STALE', async () => {
    const data = coinData('uniswap')
    await writeEntry(t.redis, t.keys, coinKey('uniswap'), envelope(data))
    const response = await get('/v1/coins/uniswap?fresh=true&wait=100', asWriter)
    expect(response.statusCode).toBe(200)
    expect(response.headers['x-cache-status']).toBe('STALE')
    expect(response.body).toBe(data)
  })

  it('answers 404 when the fetch finds that the coin does not exist', async () => {
    const pending = get('/v1/coins/ghost-coin?wait=5000')
    await eventually(async () => ((await t.pendingJobs()).length > 0 ? true : undefined))
    await writeEntry(t.redis, t.keys, coinKey('ghost-coin'), {
      notFound: true,
      fetchedAt: Date.now(),
      source: 'coingecko',
    })
    expect((await pending).json().code).toBe('NOT_FOUND')
  })
})

describe('GET /v1/coins/:id: bad input', () => {
  it.each([
    ['a colon', 'bit:coin'],
    ['a glob', 'bit*'],
    ['a space', 'bit%20coin'],
    ['65 characters', 'a'.repeat(65)],
    ['a question-mark glob', 'bit%3F'],
    ['brackets', '%5Bab%5D'],
  ])(
    'rejects an id with %s: 400 INVALID_PARAMS naming id, nothing enqueued or touched',
    async (_, id) => {
      const response = await get(`/v1/coins/${id}`)
      expect(response.statusCode).toBe(400)
      expect(response.json()).toMatchObject({
        statusCode: 400,
        code: 'INVALID_PARAMS',
        error: 'Bad Request',
      })
      expect(response.json().message).toMatch(/^id /)
      expect(await t.pendingJobs()).toHaveLength(0)
      expect(await t.cacheKeys()).toHaveLength(0)
    },
  )

  it.each(['wait=-1', 'wait=10001', 'wait=soon', 'maxStaleness=-5', 'fresh=maybe'])(
    'rejects ?%s with 400 INVALID_PARAMS',
    async (query) => {
      const response = await get(`/v1/coins/bitcoin?${query}`)
      expect(response.statusCode).toBe(400)
      expect(response.json().code).toBe('INVALID_PARAMS')
      expect(await t.pendingJobs()).toHaveLength(0)
    },
  )
})
