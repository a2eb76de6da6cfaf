import { cacheKey } from '@marketcache/shared/dataset'
import { optionsSummary } from '@marketcache/shared/datasets/options-summary'
import { spot } from '@marketcache/shared/datasets/spot'
import type { Static } from '@sinclair/typebox'
import { describe, expect, it } from 'vitest'
import { optionsSummaryValue } from '../fixtures/analytics-data'
import { envelope, writeEntry } from '../fixtures/cache-writer'
import {
  expectColdReadFilled,
  expectHitAnd304,
  expectInvalidParams,
} from '../fixtures/dataset-reads'
import { spotValue, stored } from '../fixtures/market-data'
import { useTestApp } from '../fixtures/test-app'

const t = useTestApp()

const summaryKey = (
  exchange: Static<typeof optionsSummary.params>['exchange'],
  underlying: string,
) => cacheKey(t.keys, optionsSummary, { exchange, underlying })
const DATA = stored(optionsSummaryValue('BTC'))

describe('GET /v1/options/:exchange/:underlying/summary', () => {
  it('cold: one derive.options-summary job at miss priority, then MISS with the stored bytes', () =>
    expectColdReadFilled(t, {
      url: '/v1/options/Bybit/btc/summary',
      key: summaryKey('bybit', 'BTC'),
      job: {
        queue: 'derive',
        name: 'derive.options-summary',
        data: { exchange: 'bybit', underlying: 'BTC' },
      },
      data: DATA,
      source: 'derived',
    }))

  it('HIT with the stored bytes exactly and every header; 304 on its ETag', () =>
    expectHitAnd304(t, {
      url: '/v1/options/bybit/BTC/summary',
      key: summaryKey('bybit', 'BTC'),
      data: DATA,
      source: 'derived',
    }))

  it('is not checked against the spot: a moved spot leaves a fresh summary HIT', async () => {
    await writeEntry(t.redis, t.keys, summaryKey('bybit', 'BTC'), envelope(DATA, { basis: 97_400 }))
    await writeEntry(
      t.redis,
      t.keys,
      cacheKey(t.keys, spot, { exchange: 'bybit', symbol: 'BTCUSDT' }),
      envelope(stored({ ...spotValue('bybit', 'BTCUSDT'), price: 50_000 })),
    )
    const response = await t.app.inject('/v1/options/bybit/BTC/summary')
    expect(response.headers['x-cache-status']).toBe('HIT')
    expect(await t.pendingJobs()).toHaveLength(0)
  })

  it.each([
    [
      '/v1/options/bybit/BTC-USD/summary',
      'underlying "BTC-USD" is not a Bybit base coin such as BTC',
    ],
    ['/v1/options/coingecko/BTC/summary', 'exchange must be one of bybit, ibkr'],
    ['/v1/options/bybit/BT*C/summary', /^underlying must be 1-64 characters/],
    ['/v1/options/bybit/BTC/summary?wait=abc', 'wait must be an integer'],
  ])('%s → 400 %s', (url, message) => expectInvalidParams(t, url, message))
})
