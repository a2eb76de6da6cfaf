import { cacheKey } from '@marketcache/shared/dataset'
import { marketStatus } from '@marketcache/shared/datasets/market-status'
import type { Market } from '@marketcache/shared/markets'
import { describe, expect, it } from 'vitest'
import { envelope, writeEntry } from '../fixtures/cache-writer'
import {
  expectColdReadFilled,
  expectHitAnd304,
  expectInvalidParams,
} from '../fixtures/dataset-reads'
import { marketStatusValue, stored } from '../fixtures/market-data'
import { useTestApp } from '../fixtures/test-app'

const t = useTestApp()

const statusKey = (market: Market) => cacheKey(t.keys, marketStatus, { market })
const MARKETS = ['crypto', 'us-equities'] as const

describe('GET /v1/market-status/:market', () => {
  it.each(MARKETS)('cold %s: one derive.market-status job, then MISS', (market) =>
    expectColdReadFilled(t, {
      url: `/v1/market-status/${market}`,
      key: statusKey(market),
      job: { queue: 'derive', name: 'derive.market-status', data: { market } },
      data: stored(marketStatusValue(market)),
      source: 'derived',
    }),
  )

  it.each(MARKETS)('HIT %s with every header; 304 on its ETag', (market) =>
    expectHitAnd304(t, {
      url: `/v1/market-status/${market}`,
      key: statusKey(market),
      data: stored(marketStatusValue(market)),
      source: 'derived',
    }),
  )

  it('is case-insensitive: US-Equities is the us-equities entry', async () => {
    const data = stored(marketStatusValue('us-equities'))
    await writeEntry(
      t.redis,
      t.keys,
      statusKey('us-equities'),
      envelope(data, { source: 'derived' }),
    )
    const response = await t.app.inject('/v1/market-status/US-Equities')
    expect(response.headers['x-cache-status']).toBe('HIT')
    expect(response.json()).toMatchObject({
      market: 'us-equities',
      status: 'closed',
      reason: 'weekend',
    })
  })

  it.each(['nyse', 'forex', 'us_equities'])('%s → 400 listing the markets', (market) =>
    expectInvalidParams(
      t,
      `/v1/market-status/${market}`,
      'market must be one of crypto, us-equities',
    ),
  )
})
