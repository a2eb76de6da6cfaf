import { cacheKey } from '@marketcache/shared/dataset'
import { spot } from '@marketcache/shared/datasets/spot'
import type { Static } from '@sinclair/typebox'
import { describe, expect, it } from 'vitest'
import { envelope, writeEntry } from '../fixtures/cache-writer'
import {
  expectColdReadFilled,
  expectHitAnd304,
  expectInvalidParams,
} from '../fixtures/dataset-reads'
import { spotValue, stored } from '../fixtures/market-data'
import { useTestApp } from '../fixtures/test-app'

const t = useTestApp()

const spotKey = (exchange: Static<typeof spot.params>['exchange'], symbol: string) =>
  cacheKey(t.keys, spot, { exchange, symbol })

describe('GET /v1/spot/:exchange/:symbol', () => {
  it('cold on bybit: one bybit.spot job for the pair, then MISS with the written quote', () =>
    expectColdReadFilled(t, {
      url: '/v1/spot/bybit/BTCUSDT',
      key: spotKey('bybit', 'BTCUSDT'),
      job: { queue: 'bybit', name: 'bybit.spot', data: { symbols: ['BTCUSDT'] } },
      data: stored(spotValue('bybit', 'BTCUSDT')),
      source: 'bybit',
    }))

  it('cold on ibkr: one ibkr.spot job for the stock', () =>
    expectColdReadFilled(t, {
      url: '/v1/spot/ibkr/AAPL',
      key: spotKey('ibkr', 'AAPL'),
      job: { queue: 'ibkr', name: 'ibkr.spot', data: { symbols: ['AAPL'] } },
      data: stored(spotValue('ibkr', 'AAPL')),
      source: 'ibkr',
    }))

  it.each([
    ['bybit', 'BTCUSDT'],
    ['ibkr', 'AAPL'],
  ])('HIT on %s %s with every header; 304 on its ETag', (exchange, symbol) =>
    expectHitAnd304(t, {
      url: `/v1/spot/${exchange}/${symbol}`,
      key: spotKey(exchange as 'bybit' | 'ibkr', symbol),
      data: stored(spotValue(exchange as 'bybit' | 'ibkr', symbol)),
      source: exchange as 'bybit' | 'ibkr',
    }),
  )

  it('canonicalises exchange and symbol: Bybit/btcusdt is the BTCUSDT entry', async () => {
    const data = stored(spotValue('bybit', 'BTCUSDT'))
    await writeEntry(
      t.redis,
      t.keys,
      spotKey('bybit', 'BTCUSDT'),
      envelope(data, { source: 'bybit' }),
    )
    const response = await t.app.inject('/v1/spot/Bybit/btcusdt')
    expect(response.headers['x-cache-status']).toBe('HIT')
    expect(response.body).toBe(data)
  })

  it('answers 404 NOT_FOUND for a pair the exchange does not list', async () => {
    await writeEntry(t.redis, t.keys, spotKey('bybit', 'NOPEUSDT'), {
      notFound: true,
      fetchedAt: Date.now(),
      source: 'bybit',
    })
    const response = await t.app.inject('/v1/spot/bybit/NOPEUSDT')
    expect(response.statusCode).toBe(404)
    expect(response.json()).toMatchObject({ code: 'NOT_FOUND' })
    expect(response.json().message).toContain('spot bybit/NOPEUSDT')
  })
})

describe('GET /v1/spot: a symbol the exchange does not take is a 400 naming its form', () => {
  it.each([
    ['/v1/spot/bybit/btc-usdt', 'symbol "btc-usdt" is not a Bybit spot pair such as BTCUSDT'],
    ['/v1/spot/bybit/BTC', 'symbol "BTC" is not a Bybit spot pair such as BTCUSDT'],
    ['/v1/spot/bybit/AAPL', 'symbol "AAPL" is not a Bybit spot pair such as BTCUSDT'],
    ['/v1/spot/ibkr/BTC-USD', 'symbol "BTC-USD" is not a US stock ticker such as AAPL'],
    ['/v1/spot/ibkr/1AAPL', 'symbol "1AAPL" is not a US stock ticker such as AAPL'],
    ['/v1/spot/coingecko/bitcoin', 'exchange must be one of bybit, ibkr'],
    ['/v1/spot/binance/BTCUSDT', 'exchange must be one of bybit, ibkr'],
    ['/v1/spot/bybit/BTC*', /^symbol must be 1-64 characters/],
    ['/v1/spot/bybit/BTCUSDT?wait=1e3', 'wait must be an integer'],
  ])('%s → %s', (url, message) => expectInvalidParams(t, url, message))
})
