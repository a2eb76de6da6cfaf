import { cacheKey } from '@marketcache/shared/dataset'
import { type CatalogName, catalog } from '@marketcache/shared/datasets/catalog'
import { coin } from '@marketcache/shared/datasets/coin'
import { describe, expect, it } from 'vitest'
import { coinData, envelope, writeEntry } from '../fixtures/cache-writer'
import { useTestApp } from '../fixtures/test-app'

const t = useTestApp()

const get = (url: string) => t.app.inject({ method: 'GET', url })

/** Caches a provider's id list as the worker writes it (CoinGecko's unless named). */
async function cacheCatalog(ids: string[], name: CatalogName = 'coingecko-coins') {
  const value = { name, provider: name.split('-')[0], ids, as_of: new Date().toISOString() }
  const key = cacheKey(t.keys, catalog, { name })
  await writeEntry(t.redis, t.keys, key, envelope(JSON.stringify(value)))
}

describe('provider catalogs', () => {
  it('until the catalog is cached, a miss for any valid id is enqueued as before', async () => {
    const response = await get('/v1/coins/not-listed-anywhere?wait=0')
    expect(response.json().code).toBe('FILL_PENDING')
    expect(await t.pendingJobs()).toHaveLength(1)
  })

  it('once cached, an id it lacks is 404 NOT_FOUND with no job, on every dataset keyed by it', async () => {
    await cacheCatalog(['bitcoin', 'ethereum'])
    for (const url of [
      '/v1/coins/made-up-coin?wait=0',
      '/v1/coins/made-up-coin/tokenomics?wait=0',
      '/v1/ohlcv/coingecko/made-up-coin?wait=0',
    ]) {
      const response = await get(url)
      expect(response.statusCode, url).toBe(404)
      expect(response.json(), url).toMatchObject({ code: 'NOT_FOUND' })
      expect(response.json().message, url).toContain('not in the provider catalog')
    }
    expect(await t.pendingJobs()).toHaveLength(0)

    const listed = await get('/v1/coins/bitcoin?wait=0')
    expect(listed.json().code).toBe('FILL_PENDING')
    // Bybit's spot list is not cached here: its pairs are unaffected.
    expect((await get('/v1/ohlcv/bybit/NOPEUSDT?wait=0')).json().code).toBe('FILL_PENDING')
    expect((await t.pendingJobs()).map((job) => job.name).sort()).toEqual([
      'bybit.kline',
      'coingecko.coin',
    ])
  })

  it('refuses Bybit pairs its spot list lacks, for spot and candles, but not perpetuals', async () => {
    await cacheCatalog(['BTCUSDT', 'ETHUSDT'], 'bybit-spot')
    for (const url of ['/v1/spot/bybit/NOPEUSDT?wait=0', '/v1/ohlcv/bybit/NOPEUSDT?wait=0']) {
      const response = await get(url)
      expect(response.statusCode, url).toBe(404)
      expect(response.json().code, url).toBe('NOT_FOUND')
    }
    expect(await t.pendingJobs()).toHaveLength(0)
    expect((await get('/v1/spot/bybit/ETHUSDT?wait=0')).json().code).toBe('FILL_PENDING')
    // USDC perpetuals are not spot pairs, and IBKR stocks have no catalog.
    expect((await get('/v1/ohlcv/bybit/BTCPERP?wait=0')).json().code).toBe('FILL_PENDING')
    expect((await get('/v1/spot/ibkr/AAPL?wait=0')).json().code).toBe('FILL_PENDING')
  })

  it('until Bybit’s option list is cached, a made-up underlying is enqueued as before', async () => {
    // Bybit's spot list does not stand in for it.
    await cacheCatalog(['BTCUSDT'], 'bybit-spot')
    expect((await get('/v1/options/bybit/ZZZ/chain?wait=0')).json().code).toBe('FILL_PENDING')
    const jobs = await t.pendingJobs()
    expect(jobs.map((job) => [job.name, job.data.underlying])).toEqual([
      ['bybit.option-chain', 'ZZZ'],
    ])
  })

  it('refuses Bybit underlyings its option list lacks, on every dataset keyed by one', async () => {
    await cacheCatalog(['BTC', 'ETH', 'SOL'], 'bybit-options')
    for (const url of [
      '/v1/options/bybit/ZZZ/chain?wait=0',
      '/v1/instruments/bybit/ZZZ?wait=0',
      '/v1/options/bybit/ZZZ/summary?wait=0',
      '/v1/crypto-collar?underlying=ZZZ&wait=0',
    ]) {
      const response = await get(url)
      expect(response.statusCode, url).toBe(404)
      expect(response.json().code, url).toBe('NOT_FOUND')
      expect(response.json().message, url).toContain('not in the provider catalog')
    }
    expect(await t.pendingJobs()).toHaveLength(0)

    // A listed coin is still a miss with its job; IBKR underlyings have no catalog.
    expect((await get('/v1/options/bybit/ETH/chain?wait=0')).json().code).toBe('FILL_PENDING')
    expect((await get('/v1/options/ibkr/ZZZ/chain?wait=0')).json().code).toBe('FILL_PENDING')
    const jobs = await t.pendingJobs()
    expect(jobs.map((job) => [job.name, job.data.underlying]).sort()).toEqual([
      ['bybit.option-chain', 'ETH'],
      ['ibkr.option-chain', 'ZZZ'],
    ])
  })

  it('sees a new version of the catalog at once (a newly listed id)', async () => {
    await cacheCatalog(['bitcoin'])
    expect((await get('/v1/coins/new-coin?wait=0')).statusCode).toBe(404)
    await cacheCatalog(['bitcoin', 'new-coin'])
    expect((await get('/v1/coins/new-coin?wait=0')).json().code).toBe('FILL_PENDING')
  })

  it('serves the old copy of an id no longer listed, without a job', async () => {
    await cacheCatalog(['bitcoin'])
    const key = cacheKey(t.keys, coin, { id: 'delisted' })
    await writeEntry(t.redis, t.keys, key, envelope(coinData('delisted'), { ageMs: 1_000_000 }))
    const response = await get('/v1/coins/delisted?wait=0')
    expect(response.statusCode).toBe(200)
    expect(response.headers['x-cache-status']).toBe('STALE')
    expect(await t.pendingJobs()).toHaveLength(0)
  })

  it('answers made-up ids of a multi-get NOT_FOUND and fetches only the listed ones', async () => {
    await cacheCatalog(['bitcoin', 'ethereum'])
    const response = await get('/v1/coins?ids=bitcoin,made-up,ethereum&wait=0')
    expect(response.statusCode).toBe(200)
    const items = response.json().items as { id: string; status: string }[]
    expect(items.map((item) => [item.id, item.status])).toEqual([
      ['bitcoin', 'PENDING'],
      ['made-up', 'NOT_FOUND'],
      ['ethereum', 'PENDING'],
    ])
    const jobs = await t.pendingJobs()
    expect(jobs.map((job) => job.data.ids)).toEqual([['bitcoin', 'ethereum']])
  })

  it('serves the catalog itself at /v1/catalogs/:name', async () => {
    await cacheCatalog(['bitcoin', 'ethereum'])
    const response = await get('/v1/catalogs/coingecko-coins')
    expect(response.statusCode).toBe(200)
    expect(response.headers['x-cache-status']).toBe('HIT')
    expect(response.json().ids).toEqual(['bitcoin', 'ethereum'])
    await cacheCatalog(['BTC', 'ETH'], 'bybit-options')
    expect((await get('/v1/catalogs/bybit-options')).json()).toMatchObject({
      name: 'bybit-options',
      provider: 'bybit',
      ids: ['BTC', 'ETH'],
    })
    const bad = await get('/v1/catalogs/nope')
    expect(bad.statusCode).toBe(400)
    expect(bad.json().code).toBe('INVALID_PARAMS')
  })
})
