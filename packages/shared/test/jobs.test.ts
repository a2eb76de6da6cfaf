import { describe, expect, it } from 'vitest'
import {
  MARKETS_PAGE_SIZE,
  marketsRequests,
  Priority,
  parsePublicJobId,
  producerJobOptions,
  publicJobId,
  requestDedupId,
} from '../src/jobs'
import { datasets } from '../src/registry'

describe('jobs', () => {
  it('coin and tokenomics are filled by the same job, so their misses collapse into one', () => {
    const params = { id: 'bitcoin' }
    expect(requestDedupId(datasets.coin.fill(params))).toBe(
      requestDedupId(datasets.tokenomics.fill(params)),
    )
  })

  it('orders priorities miss > update > stale > refresh-ahead > warm', () => {
    const order = [
      Priority.miss,
      Priority.update,
      Priority.stale,
      Priority['refresh-ahead'],
      Priority.warm,
    ]
    expect([...order].sort((a, b) => a - b)).toEqual(order)
    expect(Math.min(...order)).toBeGreaterThan(0)
  })

  it('derives readable dedup ids from the request values in key order', () => {
    expect(
      requestDedupId({ queue: 'coingecko', name: 'coingecko.coin', data: { id: 'bitcoin' } }),
    ).toBe('coingecko.coin|bitcoin')
    expect(
      requestDedupId({
        queue: 'bybit',
        name: 'bybit.kline',
        data: { symbol: 'BTCUSDT', interval: '1h' },
      }),
    ).toBe('bybit.kline|1h|BTCUSDT')
    expect(
      requestDedupId({ queue: 'bybit', name: 'bybit.spot', data: { symbols: ['BTCUSDT'] } }),
    ).toBe('bybit.spot|BTCUSDT')
  })

  it('spot and chain misses of one underlying collapse per exchange, not across exchanges', () => {
    const bybit = datasets['option-chain'].fill({ exchange: 'bybit', underlying: 'BTC' })
    const ibkr = datasets['option-chain'].fill({ exchange: 'ibkr', underlying: 'BTC' })
    expect(bybit.queue).toBe('bybit')
    expect(requestDedupId(bybit)).not.toBe(requestDedupId(ibkr))
  })

  it('batch dedup ids ignore id order', () => {
    const a = requestDedupId({
      queue: 'coingecko',
      name: 'coingecko.markets',
      data: { ids: ['a', 'b'] },
    })
    const b = requestDedupId({
      queue: 'coingecko',
      name: 'coingecko.markets',
      data: { ids: ['b', 'a'] },
    })
    expect(a).toBe(b)
  })

  it('splits ids into provider-sized batches', () => {
    const ids = Array.from({ length: MARKETS_PAGE_SIZE + 1 }, (_, i) => `c${i}`)
    const requests = marketsRequests(ids)
    expect(requests).toHaveLength(2)
    expect(requests.map((r) => ('ids' in r.data ? r.data.ids.length : 0))).toEqual([
      MARKETS_PAGE_SIZE,
      1,
    ])
  })

  it('always bounds retention and names a dedup id without colons', () => {
    const opts = producerJobOptions(datasets.coin.fill({ id: 'bitcoin' }), 'miss')
    expect(opts.removeOnComplete.count).toBeGreaterThan(0)
    expect(opts.removeOnFail.count).toBeGreaterThan(0)
    expect(opts.deduplication.id).not.toContain(':')
    expect(
      producerJobOptions(datasets.coin.fill({ id: 'x' }), 'warm', { dedup: 'warm|top|1' })
        .deduplication.id,
    ).toBe('warm|top|1')
  })

  it('public job ids carry their queue and reject garbage', () => {
    expect(parsePublicJobId(publicJobId('coingecko', '42'))).toEqual({
      queue: 'coingecko',
      id: '42',
    })
    expect(parsePublicJobId('nope.42')).toBeNull()
    expect(parsePublicJobId('coingecko.')).toBeNull()
    expect(parsePublicJobId('coingecko.a:b')).toBeNull()
  })
})
