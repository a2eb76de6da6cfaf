import { cacheKey } from '@marketcache/shared/dataset'
import { ohlcv } from '@marketcache/shared/datasets/ohlcv'
import type { Static } from '@sinclair/typebox'
import { describe, expect, it } from 'vitest'
import { envelope, writeEntry } from '../fixtures/cache-writer'
import {
  expectColdReadFilled,
  expectHitAnd304,
  expectInvalidParams,
} from '../fixtures/dataset-reads'
import { ohlcvValue, stored } from '../fixtures/market-data'
import { useTestApp } from '../fixtures/test-app'

const t = useTestApp()

type OhlcvParams = Static<typeof ohlcv.params>
const ohlcvKey = (
  exchange: OhlcvParams['exchange'],
  symbol: string,
  interval: OhlcvParams['interval'],
) => cacheKey(t.keys, ohlcv, { exchange, symbol, interval })
const SERIES = ohlcvValue('bybit', 'BTCUSDT', '1h', 48)
const DATA = stored(SERIES)
const seed = (etag = 'k1') =>
  writeEntry(
    t.redis,
    t.keys,
    ohlcvKey('bybit', 'BTCUSDT', '1h'),
    envelope(DATA, { etag, source: 'bybit' }),
  )

describe('GET /v1/ohlcv/:exchange/:symbol', () => {
  it('cold on bybit without an interval: one bybit.kline job for 1h, then MISS', () =>
    expectColdReadFilled(t, {
      url: '/v1/ohlcv/bybit/btcusdt',
      key: ohlcvKey('bybit', 'BTCUSDT', '1h'),
      job: { queue: 'bybit', name: 'bybit.kline', data: { symbol: 'BTCUSDT', interval: '1h' } },
      data: DATA,
      source: 'bybit',
    }))

  it('the interval is part of the key: 4h is its own entry and its own job', () =>
    expectColdReadFilled(t, {
      url: '/v1/ohlcv/bybit/ETHUSDT?interval=4h',
      key: ohlcvKey('bybit', 'ETHUSDT', '4h'),
      job: { queue: 'bybit', name: 'bybit.kline', data: { symbol: 'ETHUSDT', interval: '4h' } },
      data: stored(ohlcvValue('bybit', 'ETHUSDT', '4h', 10, 14_400_000)),
      source: 'bybit',
    }))

  it('cold on coingecko: one coingecko.ohlc job for the coin id', () =>
    expectColdReadFilled(t, {
      url: '/v1/ohlcv/coingecko/Bitcoin?interval=30m',
      key: ohlcvKey('coingecko', 'bitcoin', '30m'),
      job: { queue: 'coingecko', name: 'coingecko.ohlc', data: { id: 'bitcoin', interval: '30m' } },
      data: stored(ohlcvValue('coingecko', 'bitcoin', '30m', 10, 1_800_000)),
      source: 'coingecko',
    }))

  it('cold on ibkr: one ibkr.history job for the stock and interval', () =>
    expectColdReadFilled(t, {
      url: '/v1/ohlcv/IBKR/aapl?interval=1d',
      key: ohlcvKey('ibkr', 'AAPL', '1d'),
      job: { queue: 'ibkr', name: 'ibkr.history', data: { symbol: 'AAPL', interval: '1d' } },
      data: stored(ohlcvValue('ibkr', 'AAPL', '1d', 10, 86_400_000)),
      source: 'ibkr',
    }))

  it('cold on ibkr without an interval: hourly bars, like every exchange that serves 1h', () =>
    expectColdReadFilled(t, {
      url: '/v1/ohlcv/ibkr/MSFT',
      key: ohlcvKey('ibkr', 'MSFT', '1h'),
      job: { queue: 'ibkr', name: 'ibkr.history', data: { symbol: 'MSFT', interval: '1h' } },
      data: stored(ohlcvValue('ibkr', 'MSFT', '1h', 10)),
      source: 'ibkr',
    }))

  it('HIT with every header; 304 on its ETag', () =>
    expectHitAnd304(t, {
      url: '/v1/ohlcv/bybit/BTCUSDT?interval=1h',
      key: ohlcvKey('bybit', 'BTCUSDT', '1h'),
      data: DATA,
      source: 'bybit',
    }))

  it('does not serve one interval for another', async () => {
    await seed()
    const response = await t.app.inject('/v1/ohlcv/bybit/BTCUSDT?interval=15m&wait=0')
    expect(response.statusCode).toBe(503)
    expect(response.json().code).toBe('FILL_PENDING')
  })
})

describe('ohlcv ?limit', () => {
  it.each([1, 10, 47, 48, 1000])('limit=%i returns the last N candles', async (limit) => {
    await seed()
    const response = await t.app.inject(`/v1/ohlcv/bybit/BTCUSDT?limit=${limit}`)
    expect(response.statusCode).toBe(200)
    expect(response.headers['x-cache-status']).toBe('HIT')
    const body = response.json()
    expect(body).toEqual({ ...SERIES, candles: SERIES.candles.slice(-limit) })
    expect(body.candles.at(-1)).toEqual(SERIES.candles.at(-1))
    expect(response.headers.etag).toMatch(/^W\/"k1-[0-9a-f]{12}"$/)
  })

  it('gives each limit its own ETag, distinct from the series, with a 304 per limit', async () => {
    await seed()
    const get = (url: string, tag?: string) =>
      t.app.inject({ url, headers: tag ? { 'if-none-match': tag } : {} })
    const base = '/v1/ohlcv/bybit/BTCUSDT'
    const tags = await Promise.all(
      [base, `${base}?limit=5`, `${base}?limit=6`].map(
        async (url) => (await get(url)).headers.etag,
      ),
    )
    expect(new Set(tags).size).toBe(3)
    expect(tags[0]).toBe('"k1"')
    expect((await get(`${base}?limit=5`, tags[1])).statusCode).toBe(304)
    expect((await get(`${base}?limit=5`, tags[2])).statusCode).toBe(200)
    expect((await get(`${base}?limit=5`, tags[0])).statusCode).toBe(200)
    expect((await get(base)).body).toBe(DATA)
  })

  it.each(['0', '1001', '-3', '5.5', 'ten', '1e2', ''])('limit=%s → 400 naming limit', (limit) =>
    expectInvalidParams(t, `/v1/ohlcv/bybit/BTCUSDT?limit=${limit}`, /limit/),
  )
})

describe('ohlcv: intervals and symbols are checked per exchange', () => {
  it.each(['1m', '5m', '15m', '30m', '1h', '4h', '1d', '1w'] as const)(
    'bybit accepts %s',
    async (interval) => {
      await writeEntry(
        t.redis,
        t.keys,
        ohlcvKey('bybit', 'BTCUSDT', interval),
        envelope(stored(ohlcvValue('bybit', 'BTCUSDT', interval, 3)), { source: 'bybit' }),
      )
      const response = await t.app.inject(`/v1/ohlcv/bybit/BTCUSDT?interval=${interval}`)
      expect(response.headers['x-cache-status']).toBe('HIT')
    },
  )

  it.each([
    ['/v1/ohlcv/coingecko/bitcoin?interval=1h', 'interval must be one of 30m, 4h on coingecko'],
    ['/v1/ohlcv/coingecko/bitcoin?interval=1d', 'interval must be one of 30m, 4h on coingecko'],
    [
      '/v1/ohlcv/bybit/BTCUSDT?interval=2h',
      'interval must be one of 1m, 5m, 15m, 30m, 1h, 4h, 1d, 1w on bybit',
    ],
    ['/v1/ohlcv/bybit/BTCUSDT?interval=1H', 'interval must be one of'],
    ['/v1/ohlcv/bybit/btc', 'symbol "btc" is not a Bybit pair such as BTCUSDT'],
    ['/v1/ohlcv/coingecko/bit*coin?interval=4h', /^symbol must be 1-64 characters/],
    ['/v1/ohlcv/ibkr/AAPL?interval=4h', 'interval must be one of 1h, 1d on ibkr'],
    ['/v1/ohlcv/ibkr/AAPL?interval=1w', 'interval must be one of 1h, 1d on ibkr'],
    ['/v1/ohlcv/ibkr/BTC-USD', 'symbol "BTC-USD" is not a US stock ticker such as AAPL'],
    ['/v1/ohlcv/binance/BTCUSDT', 'exchange must be one of bybit, ibkr, coingecko'],
  ])('%s → 400 %s', (url, message) => expectInvalidParams(t, url, message))

  it('defaults coingecko to 4h, the widest interval it serves (it has no 1h)', async () => {
    await writeEntry(
      t.redis,
      t.keys,
      ohlcvKey('coingecko', 'bitcoin', '4h'),
      envelope(stored(ohlcvValue('coingecko', 'bitcoin', '4h', 3)), { source: 'coingecko' }),
    )
    const response = await t.app.inject('/v1/ohlcv/coingecko/bitcoin')
    expect(response.statusCode).toBe(200)
    expect(response.headers['x-cache-status']).toBe('HIT')
  })

  it('coingecko accepts 30m and 4h', async () => {
    for (const interval of ['30m', '4h'] as const) {
      await writeEntry(
        t.redis,
        t.keys,
        ohlcvKey('coingecko', 'bitcoin', interval),
        envelope(stored(ohlcvValue('coingecko', 'bitcoin', interval, 3)), { source: 'coingecko' }),
      )
      const response = await t.app.inject(`/v1/ohlcv/coingecko/bitcoin?interval=${interval}`)
      expect(response.headers['x-cache-status'], interval).toBe('HIT')
    }
  })
})
