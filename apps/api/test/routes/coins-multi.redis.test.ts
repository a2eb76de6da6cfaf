import { cacheKey } from '@marketcache/shared/dataset'
import { coin } from '@marketcache/shared/datasets/coin'
import { Priority } from '@marketcache/shared/jobs'
import { describe, expect, it } from 'vitest'
import { coinData, envelope, writeEntry } from '../fixtures/cache-writer'
import { eventually, useTestApp } from '../fixtures/test-app'

const t = useTestApp()

const coinKey = (id: string) => cacheKey(t.keys, coin, { id })
const get = (url: string) => t.app.inject({ method: 'GET', url })

describe('GET /v1/coins?ids=', () => {
  it('serves an expired item STALE with its error, not MISS, when its refresh fails during the wait', async () => {
    const data = coinData('tron')
    const expired = envelope(data, { ageMs: 1_000_000, etag: 'old' })
    await writeEntry(t.redis, t.keys, coinKey('tron'), expired)
    const pending = get('/v1/coins?ids=tron&wait=5000')
    await eventually(async () => ((await t.pendingJobs()).length > 0 ? true : undefined))

    const failed = { ...expired, lastError: 'provider 500', lastErrorAt: Date.now() }
    await writeEntry(t.redis, t.keys, coinKey('tron'), failed)
    const response = await pending
    expect(response.statusCode).toBe(200)
    expect(response.body).toBe(
      `{"items":[{"id":"tron","status":"STALE","data":${data},"error":"provider 500"}]}`,
    )
  })

  it('answers per item, splicing the stored bytes, with one markets job for all the misses', async () => {
    const btc = coinData('bitcoin')
    const eth = coinData('ethereum')
    await writeEntry(t.redis, t.keys, coinKey('bitcoin'), envelope(btc))
    await writeEntry(t.redis, t.keys, coinKey('ethereum'), envelope(eth, { ageMs: 400_000 }))
    await writeEntry(t.redis, t.keys, coinKey('nope'), {
      notFound: true,
      fetchedAt: Date.now(),
      source: 'coingecko',
    })

    const response = await get(
      '/v1/coins?ids=bitcoin,ethereum,nope,solana,cardano,BITCOIN&wait=100',
    )
    expect(response.statusCode).toBe(200)
    expect(response.headers['cache-control']).toBe('no-store')
    expect(
      response.body.startsWith(`{"items":[{"id":"bitcoin","status":"HIT","data":${btc}}`),
    ).toBe(true)
    const { items } = response.json()
    expect(items.map((item: { id: string; status: string }) => [item.id, item.status])).toEqual([
      ['bitcoin', 'HIT'],
      ['ethereum', 'STALE'],
      ['nope', 'NOT_FOUND'],
      ['solana', 'PENDING'],
      ['cardano', 'PENDING'],
    ])
    expect(items[1].data).toEqual(JSON.parse(eth))
    expect(items[2].data).toBeNull()
    expect(items[3].jobId).toMatch(/^coingecko\.\d+$/)
    expect(items[4].jobId).toBe(items[3].jobId)
    expect(items[0].jobId).toBeUndefined()

    // One batched fill for the misses, one stale refresh for ethereum.
    const jobs = await eventually(async () => {
      const found = await t.pendingJobs()
      return found.length >= 2 ? found : undefined
    })
    const byOrigin = Object.fromEntries(jobs.map((job) => [job.data.origin, job]))
    expect(jobs).toHaveLength(2)
    expect(byOrigin.miss?.name).toBe('coingecko.markets')
    expect(byOrigin.miss?.data.ids).toEqual(['solana', 'cardano'])
    expect(byOrigin.miss?.opts.priority).toBe(Priority.miss)
    expect(`coingecko.${byOrigin.miss?.id}`).toBe(items[3].jobId)
    expect(byOrigin.stale?.data.ids).toEqual(['ethereum'])
    expect(byOrigin.stale?.opts.priority).toBe(Priority.stale)
  })

  it('waits for all misses together and reports those written in time as MISS', async () => {
    const pending = get('/v1/coins?ids=polkadot,tron,stellar&wait=5000')
    await eventually(async () => ((await t.pendingJobs()).length > 0 ? true : undefined))
    const dot = coinData('polkadot')
    await writeEntry(t.redis, t.keys, coinKey('polkadot'), envelope(dot))
    await writeEntry(t.redis, t.keys, coinKey('tron'), envelope(coinData('tron')))
    await writeEntry(t.redis, t.keys, coinKey('stellar'), {
      notFound: true,
      fetchedAt: Date.now(),
      source: 'coingecko',
    })
    const response = await pending
    const { items } = response.json()
    expect(items.map((item: { status: string }) => item.status)).toEqual([
      'MISS',
      'MISS',
      'NOT_FOUND',
    ])
    expect(response.body).toContain(`"data":${dot}`)
    expect(await t.pendingJobs()).toHaveLength(1)
  })

  it('reports PENDING with the job id for those not written in time', async () => {
    const pending = get('/v1/coins?ids=aave,maker&wait=400')
    await eventually(async () => ((await t.pendingJobs()).length > 0 ? true : undefined))
    await writeEntry(t.redis, t.keys, coinKey('aave'), envelope(coinData('aave')))
    const { items } = (await pending).json()
    expect(items[0]).toMatchObject({ id: 'aave', status: 'MISS' })
    expect(items[1]).toMatchObject({ id: 'maker', status: 'PENDING', data: null })
    expect(items[1].jobId).toMatch(/^coingecko\./)
  })

  it('rejects more than 100 distinct ids with TOO_MANY_IDS, enqueuing nothing', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => `coin-${i}`).join(',')
    const response = await get(`/v1/coins?ids=${ids}`)
    expect(response.statusCode).toBe(400)
    expect(response.json()).toMatchObject({
      code: 'TOO_MANY_IDS',
      statusCode: 400,
      error: 'Bad Request',
    })
    expect(await t.pendingJobs()).toHaveLength(0)
    // Duplicates do not count.
    const hundred = Array.from({ length: 100 }, (_, i) => `coin-${i}`)
    const ok = await get(`/v1/coins?ids=${[...hundred, ...hundred].join(',')}&wait=0`)
    expect(ok.statusCode).toBe(200)
    expect(ok.json().items).toHaveLength(100)
  })

  it.each(['bitcoin,bit:coin', 'bitcoin,*', 'a%20b', '', 'bitcoin,,ethereum', `${'x'.repeat(65)}`])(
    'rejects ids=%s with 400 INVALID_PARAMS, enqueuing nothing',
    async (ids) => {
      const response = await get(`/v1/coins?ids=${ids}`)
      expect(response.statusCode).toBe(400)
      expect(response.json().code).toBe('INVALID_PARAMS')
      expect(await t.pendingJobs()).toHaveLength(0)
      expect(await t.cacheKeys()).toHaveLength(0)
    },
  )

  it('requires ids', async () => {
    const response = await get('/v1/coins')
    expect(response.statusCode).toBe(400)
    expect(response.json().code).toBe('INVALID_PARAMS')
  })
})
