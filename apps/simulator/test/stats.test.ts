import { describe, expect, it } from 'vitest'
import { startSimulator } from './simulator-fixture'

/** Every endpoint, at 0 calls: stats list them all from the start. */
const NO_CALLS = {
  '/coins/{id}': 0,
  '/coins/{id}/ohlc': 0,
  '/coins/markets': 0,
  '/coins/list': 0,
  '/simple/price': 0,
  '/ping': 0,
  '/v5/market/instruments-info': 0,
  '/v5/market/tickers': 0,
  '/v5/market/kline': 0,
  '/v5/market/option-base-coins': 0,
  '/iserver/auth/status': 0,
  '/iserver/secdef/search': 0,
  '/iserver/secdef/strikes': 0,
  '/iserver/secdef/info': 0,
  '/iserver/marketdata/snapshot': 0,
  '/iserver/marketdata/history': 0,
}

describe('GET /__sim/stats', () => {
  it('starts at zero with every endpoint listed', async () => {
    const { json } = await startSimulator()

    expect(await json('/__sim/stats')).toEqual({
      total: 0,
      byEndpoint: NO_CALLS,
      byCoin: {},
      byStatus: {},
      withApiKey: 0,
      byProvider: { coingecko: 0, bybit: 0, ibkr: 0 },
      bySymbol: {},
    })
  })

  it('counts calls per endpoint, coin named, status and API key', async () => {
    const { get, json } = await startSimulator()
    await get('/api/v3/ping')
    await get('/api/v3/coins/bitcoin', { 'x-cg-demo-api-key': 'demo-key' })
    await get('/api/v3/coins/bitcoin', { 'x-cg-pro-api-key': 'pro-key' })
    await get('/api/v3/coins/no-such-coin')
    await get('/api/v3/coins/markets?vs_currency=usd&ids=bitcoin,ethereum&x_cg_demo_api_key=k')
    await get('/api/v3/coins/markets?vs_currency=usd&per_page=250')
    await get('/api/v3/coins/markets?ids=solana')
    await get('/api/v3/simple/price?ids=ethereum,tether&vs_currencies=usd')

    expect(await json('/__sim/stats')).toEqual({
      total: 8,
      byEndpoint: {
        ...NO_CALLS,
        '/coins/{id}': 3,
        '/coins/markets': 3,
        '/simple/price': 1,
        '/ping': 1,
      },
      // The unfiltered markets page names no coins, so it adds none.
      byCoin: { bitcoin: 3, 'no-such-coin': 1, ethereum: 2, tether: 1, solana: 1 },
      byStatus: { '200': 6, '404': 1, '400': 1 },
      withApiKey: 3,
      byProvider: { coingecko: 8, bybit: 0, ibkr: 0 },
      bySymbol: {},
    })
  })

  it('counts calls answered with faults and 429s, but not control calls', async () => {
    const { get, json } = await startSimulator({ faults: { forced429: 1, errorRate: 1 } })
    await get('/api/v3/coins/bitcoin')
    await get('/api/v3/coins/bitcoin')
    await get('/__sim/faults')
    await get('/__sim/stats')

    expect(await json('/__sim/stats')).toMatchObject({
      total: 2,
      byCoin: { bitcoin: 2 },
      byStatus: { '429': 1, '500': 1 },
    })
  })
})

describe('GET /__sim/stats across providers', () => {
  it('counts calls per provider and per instrument named', async () => {
    const { get, json } = await startSimulator()
    await get('/api/v3/coins/bitcoin/ohlc?vs_currency=usd&days=1')
    await get('/v5/market/instruments-info?category=option&baseCoin=ETH&limit=5')
    await get('/v5/market/tickers?category=spot&symbol=BTCUSDT')
    await get('/v5/market/kline?category=spot&symbol=BTCUSDT&interval=1&limit=1')
    await get('/v5/market/tickers?category=option&baseCoin=NOPE')
    await get('/v1/api/iserver/auth/status')
    await get('/v1/api/iserver/secdef/search?symbol=msft')
    await get('/v1/api/iserver/secdef/strikes?conid=272093&sectype=OPT&month=FEB25')
    await get('/v1/api/iserver/marketdata/snapshot?conids=272093,756733')
    await get('/v1/api/iserver/marketdata/history?conid=265598&period=1w&bar=1d')
    await get('/v5/market/tickers', { 'x-bapi-api-key': 'key' })

    expect(await json('/__sim/stats')).toEqual({
      total: 11,
      byEndpoint: {
        ...NO_CALLS,
        '/coins/{id}/ohlc': 1,
        '/v5/market/instruments-info': 1,
        '/v5/market/tickers': 3,
        '/v5/market/kline': 1,
        '/iserver/auth/status': 1,
        '/iserver/secdef/search': 1,
        '/iserver/secdef/strikes': 1,
        '/iserver/marketdata/snapshot': 1,
        '/iserver/marketdata/history': 1,
      },
      byCoin: { bitcoin: 1 },
      // Bybit's params errors are HTTP 200 too; only retCode tells them apart.
      byStatus: { '200': 11 },
      withApiKey: 1,
      byProvider: { coingecko: 1, bybit: 5, ibkr: 5 },
      bySymbol: {
        ETH: 1,
        BTCUSDT: 2,
        NOPE: 1,
        MSFT: 1,
        '272093': 2,
        '756733': 1,
        '265598': 1,
      },
    })
  })
})

describe('POST /__sim/reset', () => {
  it('clears stats, the quota window and forced 429s, and restores starting faults', async () => {
    const { app, get, json } = await startSimulator({
      quotaPerWindow: 1,
      faults: { malformedRate: 0 },
    })
    await get('/api/v3/coins/bitcoin')
    expect((await get('/api/v3/coins/bitcoin')).statusCode).toBe(429)
    await app.inject({
      method: 'POST',
      url: '/__sim/faults',
      payload: { forced429: 3, errorRate: 1 },
    })

    const reset = await app.inject({ method: 'POST', url: '/__sim/reset' })

    expect(reset.statusCode).toBe(204)
    expect(reset.body).toBe('')
    expect(await json('/__sim/stats')).toMatchObject({ total: 0, byCoin: {}, byStatus: {} })
    expect(await json('/__sim/faults')).toMatchObject({
      forced429: 0,
      errorRate: 0,
      quotaPerWindow: 1,
    })
    expect((await get('/api/v3/coins/bitcoin')).statusCode).toBe(200)
  })

  it('restores Bybit and IBKR switches and forgets their windows', async () => {
    const { app, get, json } = await startSimulator({
      bybit: { rateLimitPerSecond: 1 },
      ibkr: { pacingPerSecond: 1 },
    })
    const spot = '/v5/market/tickers?category=spot&symbol=BTCUSDT'
    const status = '/v1/api/iserver/auth/status'
    await get(spot)
    await get(status)
    expect((await get(spot)).json()).toMatchObject({ retCode: 10006 })
    expect((await get(status)).statusCode).toBe(429)
    await app.inject({
      method: 'POST',
      url: '/__sim/faults',
      payload: { bybit: { forcedRateLimit: 5, banMs: 1 }, ibkr: { authenticated: false } },
    })

    await app.inject({ method: 'POST', url: '/__sim/reset' })

    expect(await json('/__sim/faults')).toMatchObject({
      bybit: { rateLimitPerSecond: 1, forcedRateLimit: 0, banMs: 600_000 },
      ibkr: { pacingPerSecond: 1, authenticated: true },
    })
    expect((await get(spot)).json()).toMatchObject({ retCode: 0 })
    expect((await get(status)).json()).toMatchObject({ authenticated: true })
    expect(await json('/__sim/stats')).toMatchObject({
      total: 2,
      byProvider: { coingecko: 0, bybit: 1, ibkr: 1 },
      bySymbol: { BTCUSDT: 1 },
    })
  })
})
