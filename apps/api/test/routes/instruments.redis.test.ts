import { cacheKey } from '@marketcache/shared/dataset'
import { instruments } from '@marketcache/shared/datasets/instruments'
import type { Static } from '@sinclair/typebox'
import { describe, it } from 'vitest'
import {
  expectColdReadFilled,
  expectHitAnd304,
  expectInvalidParams,
} from '../fixtures/dataset-reads'
import { instrumentsValue, stored } from '../fixtures/market-data'
import { useTestApp } from '../fixtures/test-app'

const t = useTestApp()

const instrumentsKey = (
  exchange: Static<typeof instruments.params>['exchange'],
  underlying: string,
) => cacheKey(t.keys, instruments, { exchange, underlying })

describe('GET /v1/instruments/:exchange/:underlying', () => {
  it('cold on bybit: one bybit.instruments job, then MISS with the written contracts', () =>
    expectColdReadFilled(t, {
      url: '/v1/instruments/bybit/eth',
      key: instrumentsKey('bybit', 'ETH'),
      job: { queue: 'bybit', name: 'bybit.instruments', data: { underlying: 'ETH' } },
      data: stored(instrumentsValue('ETH')),
      source: 'bybit',
    }))

  it('cold on ibkr: one ibkr.instruments job (contract qualification)', () =>
    expectColdReadFilled(t, {
      url: '/v1/instruments/ibkr/SPY',
      key: instrumentsKey('ibkr', 'SPY'),
      job: { queue: 'ibkr', name: 'ibkr.instruments', data: { underlying: 'SPY' } },
      data: stored({ ...instrumentsValue('SPY'), exchange: 'ibkr', underlying_id: '756733' }),
      source: 'ibkr',
    }))

  it('HIT with every header; 304 on its ETag', () =>
    expectHitAnd304(t, {
      url: '/v1/instruments/bybit/BTC',
      key: instrumentsKey('bybit', 'BTC'),
      data: stored(instrumentsValue('BTC')),
      source: 'bybit',
    }))

  it.each([
    [
      '/v1/instruments/bybit/BTC-PERP',
      'underlying "BTC-PERP" is not a Bybit base coin such as BTC',
    ],
    ['/v1/instruments/ibkr/BRK_B', 'underlying "BRK_B" is not a US stock ticker such as AAPL'],
    ['/v1/instruments/coingecko/bitcoin', 'exchange must be one of bybit, ibkr'],
  ])('%s → 400 %s', (url, message) => expectInvalidParams(t, url, message))
})
