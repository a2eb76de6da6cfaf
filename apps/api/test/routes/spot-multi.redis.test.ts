import { cacheKey } from '@marketcache/shared/dataset'
import { catalog } from '@marketcache/shared/datasets/catalog'
import { spot } from '@marketcache/shared/datasets/spot'
import { Priority } from '@marketcache/shared/jobs'
import { describe, expect, it } from 'vitest'
import { envelope, writeEntry } from '../fixtures/cache-writer'
import { expectInvalidParams, jobsEnqueued } from '../fixtures/dataset-reads'
import { spotValue, stored } from '../fixtures/market-data'
import { eventually, TestKeys, useTestApp } from '../fixtures/test-app'

const t = useTestApp()

type Exchange = 'bybit' | 'ibkr'
const spotKey = (exchange: Exchange, symbol: string) => cacheKey(t.keys, spot, { exchange, symbol })
const get = (url: string) => t.app.inject({ method: 'GET', url })
const statuses = (body: { items: { symbol: string; status: string }[] }) =>
  body.items.map((item) => [item.symbol, item.status])

/** Seeds a spot entry as the worker writes it; returns the stored bytes. */
async function cacheSpot(exchange: Exchange, symbol: string, ageMs = 0): Promise<string> {
  const data = stored(spotValue(exchange, symbol))
  await writeEntry(t.redis, t.keys, spotKey(exchange, symbol), envelope(data, { ageMs }))
  return data
}

async function cacheNotFound(exchange: Exchange, symbol: string): Promise<void> {
  await writeEntry(t.redis, t.keys, spotKey(exchange, symbol), {
    notFound: true,
    fetchedAt: Date.now(),
    source: exchange,
  })
}

describe('GET /v1/spot/:exchange?symbols=', () => {
  it('answers per symbol, splicing the stored bytes, with one ibkr.spot job for all misses', async () => {
    const aapl = await cacheSpot('ibkr', 'AAPL')
    await cacheSpot('ibkr', 'MSFT', 400_000)
    await cacheNotFound('ibkr', 'ZZZZ')

    const response = await get('/v1/spot/ibkr?symbols=aapl,MSFT,ZZZZ,GOOGL,NVDA,META&wait=100')
    expect(response.statusCode).toBe(200)
    expect(response.headers['cache-control']).toBe('no-store')
    expect(
      response.body.startsWith(`{"items":[{"symbol":"AAPL","status":"HIT","data":${aapl}}`),
    ).toBe(true)
    const body = response.json()
    expect(statuses(body)).toEqual([
      ['AAPL', 'HIT'],
      ['MSFT', 'STALE'],
      ['ZZZZ', 'NOT_FOUND'],
      ['GOOGL', 'PENDING'],
      ['NVDA', 'PENDING'],
      ['META', 'PENDING'],
    ])
    expect(body.items[1].data).toEqual(spotValue('ibkr', 'MSFT'))
    expect(body.items[2].data).toBeNull()
    expect(body.items[3].jobId).toMatch(/^ibkr\.\d+$/)
    expect(new Set(body.items.slice(3).map((item: { jobId: string }) => item.jobId)).size).toBe(1)

    // One fill for the three misses, one stale refresh for MSFT.
    const jobs = await jobsEnqueued(t, 2)
    const byOrigin = Object.fromEntries(jobs.map((job) => [job.data.origin, job]))
    expect(jobs).toHaveLength(2)
    expect(byOrigin.miss?.name).toBe('ibkr.spot')
    expect(byOrigin.miss?.data.symbols).toEqual(['GOOGL', 'NVDA', 'META'])
    expect(byOrigin.miss?.opts.priority).toBe(Priority.miss)
    expect(`ibkr.${byOrigin.miss?.id}`).toBe(body.items[3].jobId)
    expect(byOrigin.stale?.data.symbols).toEqual(['MSFT'])
  })

  it('waits for every miss together and reports those written in time as MISS', async () => {
    const pending = get('/v1/spot/bybit?symbols=BTCUSDT,ETHUSDT,SOLUSDT&wait=5000')
    const [job] = await jobsEnqueued(t)
    expect(job?.name).toBe('bybit.spot')
    expect(job?.data.symbols).toEqual(['BTCUSDT', 'ETHUSDT', 'SOLUSDT'])
    const btc = await cacheSpot('bybit', 'BTCUSDT')
    await cacheSpot('bybit', 'ETHUSDT')
    await cacheNotFound('bybit', 'SOLUSDT')

    const response = await pending
    expect(statuses(response.json())).toEqual([
      ['BTCUSDT', 'MISS'],
      ['ETHUSDT', 'MISS'],
      ['SOLUSDT', 'NOT_FOUND'],
    ])
    expect(response.body).toContain(`"data":${btc}`)
    expect(await t.pendingJobs()).toHaveLength(1)
  })

  it("settles pairs Bybit's cached spot list lacks as NOT_FOUND, with no call for them", async () => {
    const ids = ['BTCUSDT', 'ETHUSDT']
    const value = { name: 'bybit-spot', provider: 'bybit', ids, as_of: new Date().toISOString() }
    const key = cacheKey(t.keys, catalog, { name: 'bybit-spot' })
    await writeEntry(t.redis, t.keys, key, envelope(JSON.stringify(value)))

    const response = await get('/v1/spot/bybit?symbols=NOPEUSDT,ETHUSDT&wait=0')
    expect(statuses(response.json())).toEqual([
      ['NOPEUSDT', 'NOT_FOUND'],
      ['ETHUSDT', 'PENDING'],
    ])
    const [job] = await jobsEnqueued(t)
    expect(job?.data.symbols).toEqual(['ETHUSDT'])
  })

  it('takes 100 symbols, all in one job', async () => {
    const symbols = Array.from({ length: 100 }, (_, i) => `S${i}`)
    const response = await get(`/v1/spot/ibkr?symbols=${symbols.join(',')}&wait=0`)
    expect(response.statusCode).toBe(200)
    expect(response.json().items).toHaveLength(100)
    const jobs = await eventually(async () => {
      const found = await t.pendingJobs()
      return found.length > 0 ? found : undefined
    })
    expect(jobs.map((job) => job.data.symbols)).toEqual([symbols])
  })

  it('rejects 101 symbols with TOO_MANY_IDS, enqueuing nothing', async () => {
    const symbols = Array.from({ length: 101 }, (_, i) => `S${i}`).join(',')
    const response = await get(`/v1/spot/ibkr?symbols=${symbols}`)
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual({
      statusCode: 400,
      code: 'TOO_MANY_IDS',
      error: 'Bad Request',
      message: 'at most 100 distinct symbols per request, got 101',
    })
    expect(await t.pendingJobs()).toHaveLength(0)
  })

  it.each([
    ['AAPL,,MSFT', 'symbols[1] must be 1-64 characters'],
    ['AAPL,', 'symbols[1] must be 1-64 characters'],
    ['', 'symbols[0] must be 1-64 characters'],
    ['AAPL,MSFT,aapl', 'symbols[2] "AAPL" repeats symbols[0]; name each once'],
    ['AAPL,BTC-USD', 'symbols[1] "BTC-USD" is not a US stock ticker such as AAPL'],
    ['AAPL,MS:FT', 'symbols[1] must be 1-64 characters'],
    ['AAPL,latest', 'symbols[1] "latest" is not a US stock ticker such as AAPL'],
  ])('rejects ibkr symbols=%s with 400 INVALID_PARAMS, enqueuing nothing', (symbols, message) =>
    expectInvalidParams(t, `/v1/spot/ibkr?symbols=${symbols}`, message),
  )

  it.each([
    ['/v1/spot/bybit?symbols=BTCUSDT,AAPL', 'symbols[1] "AAPL" is not a Bybit spot pair'],
    ['/v1/spot/coingecko?symbols=bitcoin', 'exchange must be one of bybit, ibkr'],
    ['/v1/spot/ibkr', 'symbols'],
    ['/v1/spot/ibkr?symbols=AAPL&wait=1e3', 'wait must be an integer'],
  ])('%s → 400 INVALID_PARAMS (%s), enqueuing nothing', (url, message) =>
    expectInvalidParams(t, url, message),
  )

  it('takes no parameter of the single-symbol route, nor a singular symbol', async () => {
    for (const url of ['/v1/spot/ibkr?symbols=AAPL&fresh=true', '/v1/spot/ibkr?symbol=AAPL']) {
      const response = await get(url)
      expect(response.statusCode, url).toBe(400)
      expect(response.json().code, url).toBe('UNKNOWN_PARAMETER')
      expect(response.json().message, url).toContain(
        'this route (/v1/spot/:exchange) takes symbols, wait, maxStaleness',
      )
    }
    expect(await t.pendingJobs()).toHaveLength(0)
  })
})

describe('the bulk route and the single-symbol route cannot be confused', () => {
  it.each(['/v1/spot/ibkr/latest', '/v1/spot/ibkr/LATEST?wait=0', '/v1/spot/IBKR/Latest'])(
    '%s is a 400 pointing to the bulk route: no job, no entry, no cached not-found',
    (url) =>
      expectInvalidParams(
        t,
        url,
        "is not a US stock ticker such as AAPL but a word of other APIs' routes; the latest " +
          'prices of several symbols are GET /v1/spot/ibkr?symbols=a,b',
      ),
  )

  it.each(['/v1/spot/ibkr/latest?symbols=AAPL,MSFT', '/v1/spot/ibkr/?symbols=AAPL,MSFT'])(
    'gives the single route no list: %s is UNKNOWN_PARAMETER naming the route that answered',
    async (url) => {
      const response = await get(url)
      expect(response.statusCode).toBe(400)
      expect(response.json()).toMatchObject({
        code: 'UNKNOWN_PARAMETER',
        message:
          'unknown query parameter "symbols": this route (/v1/spot/:exchange/:symbol) takes ' +
          'wait, fresh, maxStaleness',
      })
      expect(await t.pendingJobs()).toHaveLength(0)
    },
  )

  it('refuses the word in an update-cache command too, so no job can cache it', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/update-cache',
      headers: { authorization: `Bearer ${TestKeys.writer}` },
      payload: { dataset: 'spot', params: { exchange: 'ibkr', symbol: 'latest' } },
    })
    expect(response.statusCode).toBe(400)
    expect(response.json().code).toBe('INVALID_BODY')
    expect(response.json().message).toContain('symbol "latest" is not a US stock ticker')
    expect(await t.pendingJobs()).toHaveLength(0)
    expect(await t.cacheKeys()).toHaveLength(0)
  })
})
