import { cacheKey } from '@marketcache/shared/dataset'
import { coin } from '@marketcache/shared/datasets/coin'
import { Priority } from '@marketcache/shared/jobs'
import { beforeEach, describe, expect, it } from 'vitest'
import { coinData, envelope, writeEntry } from '../fixtures/cache-writer'
import { TestKeys, useTestApp } from '../fixtures/test-app'

/** Three waiting misses fill the CoinGecko backlog; no worker runs, so nothing drains it. */
const t = useTestApp({ COINGECKO_MISS_BACKLOG_MAX: '3' })
// Each test starts on emptied queues; the API trusts its last count of waiting misses for 250 ms.
beforeEach(() => new Promise((resolve) => setTimeout(resolve, 300)))

const read = (id: string) => t.app.inject({ method: 'GET', url: `/v1/coins/${id}?wait=0` })
const missJobs = async () =>
  (await t.pendingJobs()).filter((job) => job.opts.priority === Priority.miss)

describe('the miss backlog of a provider queue', () => {
  it('refuses misses past the cap with 503 OVERLOADED and Retry-After, and enqueues nothing', async () => {
    const responses = []
    for (let i = 0; i < 10; i++) responses.push(await read(`made-up-${i}`))
    expect(responses.map((r) => r.json().code)).toEqual([
      ...Array(3).fill('FILL_PENDING'),
      ...Array(7).fill('OVERLOADED'),
    ])
    const refused = responses[9]
    expect(refused?.statusCode).toBe(503)
    expect(refused?.json()).toMatchObject({ statusCode: 503, code: 'OVERLOADED' })
    // Three jobs at the default 30 calls a minute drain in 6 s.
    expect(refused?.headers['retry-after']).toBe('6')
    expect(await missJobs()).toHaveLength(3)
  })

  it('counts concurrent misses against the cap too', async () => {
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => read(`cold-${i}`)))
    const codes = responses.map((r) => r.json().code)
    expect(codes.filter((code) => code === 'FILL_PENDING')).toHaveLength(3)
    expect(await missJobs()).toHaveLength(3)
  })

  it('lets misses for a fetch already queued join its job, however full the backlog', async () => {
    for (let i = 0; i < 3; i++) await read(`filler-${i}`)
    const again = await Promise.all(Array.from({ length: 30 }, (_, i) => read(`filler-${i % 3}`)))
    expect(new Set(again.map((r) => r.json().code))).toEqual(new Set(['FILL_PENDING']))
    // Another replica's process knows nothing of these admissions: BullMQ says they are queued.
    const replica = await t.replica()
    try {
      const response = await replica.inject({ method: 'GET', url: '/v1/coins/filler-1?wait=0' })
      expect(response.json().code).toBe('FILL_PENDING')
    } finally {
      await replica.close()
    }
    expect(await missJobs()).toHaveLength(3)
  })

  it('serves a stale fallback instead of refusing it', async () => {
    for (let i = 0; i < 3; i++) await read(`filler-${i}`)
    const key = cacheKey(t.keys, coin, { id: 'bitcoin' })
    // Past its stale window, inside its error window: a miss with a fallback.
    await writeEntry(t.redis, t.keys, key, envelope(coinData('bitcoin'), { ageMs: 1_000_000 }))
    const response = await read('bitcoin')
    expect(response.statusCode).toBe(200)
    expect(response.headers['x-cache-status']).toBe('STALE')
    expect(response.json().id).toBe('bitcoin')
    expect(await missJobs()).toHaveLength(3)
  })

  it('refuses a multi-get whose missing ids cannot be queued, with the same 503', async () => {
    for (let i = 0; i < 3; i++) await read(`filler-${i}`)
    const response = await t.app.inject({ method: 'GET', url: '/v1/coins?ids=aa,bb&wait=0' })
    expect(response.statusCode).toBe(503)
    expect(response.json().code).toBe('OVERLOADED')
  })

  it('leaves update-cache its own lane: a full miss backlog does not refuse it', async () => {
    for (let i = 0; i < 3; i++) await read(`filler-${i}`)
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/update-cache',
      headers: { authorization: `Bearer ${TestKeys.writer}` },
      payload: { coin_id: 'bitcoin' },
    })
    expect(response.statusCode).toBe(202)
    const queued = await t.pendingJobs()
    expect(queued.filter((job) => job.opts.priority === Priority.update)).toHaveLength(1)
  })
})
