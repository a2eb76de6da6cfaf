import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Stack, startStack } from './support/stack'

const STOCKS = ['AAPL', 'GOOGL', 'MSFT', 'AMZN', 'NVDA', 'META', 'TSLA', 'SPY', 'QQQ']

interface Items {
  items: { symbol: string; status: string; data: { symbol: string; price: number } | null }[]
}

describe('bulk latest prices and quotes by conid through the whole stack', () => {
  let stack: Stack
  const calls = async (endpoint: string) => (await stack.simStats()).byEndpoint[endpoint] ?? 0
  beforeAll(async () => {
    stack = await startStack({
      sim: { bybit: { rateLimitPerSecond: 0, ipLimitPer5s: 0 }, ibkr: { pacingPerSecond: 0 } },
      workerEnv: { IBKR_RATE_MAX: '1000' },
      apiEnv: { READ_WAIT_MS: '8000' },
    })
  })
  afterAll(() => stack.close())

  it('fills nine cold stocks with one round of IBKR snapshots, then serves them as hits', async () => {
    const before = await calls('/iserver/marketdata/snapshot')
    const cold = await stack.get(`/v1/spot/ibkr?symbols=${STOCKS.join(',')}`)
    expect(cold.status).toBe(200)
    const { items } = (await cold.json()) as Items
    expect(items.map((item) => [item.symbol, item.status])).toEqual(
      STOCKS.map((symbol) => [symbol, 'MISS']),
    )
    for (const item of items) expect(item.data?.price).toBeGreaterThan(0)
    // The pre-flight and the one call with values, for all nine conids.
    expect((await calls('/iserver/marketdata/snapshot')) - before).toBe(2)

    const total = (await stack.simStats()).total
    const warm = (await (await stack.get(`/v1/spot/ibkr?symbols=${STOCKS}`)).json()) as Items
    expect(warm.items.map((item) => item.status)).toEqual(STOCKS.map(() => 'HIT'))
    expect(warm.items.map((item) => item.data)).toEqual(items.map((item) => item.data))
    expect((await stack.simStats()).total).toBe(total)
  })

  it('fills cold Bybit pairs with one tickers call, and says which one Bybit does not list', async () => {
    const before = await calls('/v5/market/tickers')
    const response = await stack.get('/v1/spot/bybit?symbols=BTCUSDT,ETHUSDT,SOLUSDT,NOPEUSDT')
    const { items } = (await response.json()) as Items
    expect(items.map((item) => [item.symbol, item.status])).toEqual([
      ['BTCUSDT', 'MISS'],
      ['ETHUSDT', 'MISS'],
      ['SOLUSDT', 'MISS'],
      ['NOPEUSDT', 'NOT_FOUND'],
    ])
    expect((await calls('/v5/market/tickers')) - before).toBe(1)
  })

  it('quotes a stock by conid, MISS then 304, and remembers an unknown conid as not found', async () => {
    const cold = await stack.get('/v1/quotes/ibkr/265598')
    expect(cold.status).toBe(200)
    expect(cold.headers.get('x-cache-status')).toBe('MISS')
    expect(await cold.json()).toMatchObject({ conid: '265598', symbol: 'AAPL', sec_type: 'STK' })
    const etag = cold.headers.get('etag') as string
    const revalidated = await stack.get('/v1/quotes/ibkr/265598', { 'if-none-match': etag })
    expect(revalidated.status).toBe(304)

    const unknown = await stack.get('/v1/quotes/ibkr/123456789')
    expect(unknown.status).toBe(404)
    expect(((await unknown.json()) as { code: string }).code).toBe('NOT_FOUND')
    const total = (await stack.simStats()).total
    expect((await stack.get('/v1/quotes/ibkr/123456789')).status).toBe(404)
    expect((await stack.simStats()).total).toBe(total)
  })

  it('never takes "latest" for a stock: a 400, no provider call', async () => {
    const total = (await stack.simStats()).total
    const response = await stack.get('/v1/spot/ibkr/latest')
    expect(response.status).toBe(400)
    expect(((await response.json()) as { code: string }).code).toBe('INVALID_PARAMS')
    expect((await stack.simStats()).total).toBe(total)
  })
})
