import { Value } from '@sinclair/typebox/value'
import { describe, expect, it } from 'vitest'
import { fillOf, isPushed } from '../src/dataset'
import { CatalogName, catalog } from '../src/datasets/catalog'
import { parsePublicJobId, publicJobId } from '../src/job-ids'
import {
  JobRequestSchema,
  jobDataProblem,
  jobNames,
  MARKETS_PAGE_SIZE,
  Priority,
  producerJobOptions,
  requestDedupId,
  SPOT_BATCH_SIZE,
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
    const ids = Array.from({ length: MARKETS_PAGE_SIZE + 1 }, (_, i) => ({ id: `c${i}` }))
    const pages = datasets.coin.batch!.fill(ids)
    expect(pages).toHaveLength(2)
    expect(
      pages.map(({ request }) => ('ids' in request.data ? request.data.ids.length : 0)),
    ).toEqual([MARKETS_PAGE_SIZE, 1])
    expect(pages[1]?.params).toEqual([{ id: `c${MARKETS_PAGE_SIZE}` }])
    expect(datasets.coin.batch!.top!(20)).toEqual({
      queue: 'coingecko',
      name: 'coingecko.markets',
      data: { top: 20 },
    })
  })

  it('puts the spot symbols of each exchange in one job per 100, the single fill being one of them', () => {
    const ibkr = Array.from({ length: SPOT_BATCH_SIZE + 1 }, (_, i) => ({
      exchange: 'ibkr' as const,
      symbol: `S${i}`,
    }))
    const pages = datasets.spot.batch!.fill([{ exchange: 'bybit', symbol: 'BTCUSDT' }, ...ibkr])
    expect(pages.map(({ request }) => [request.name, request.data])).toEqual([
      ['bybit.spot', { symbols: ['BTCUSDT'] }],
      ['ibkr.spot', { symbols: ibkr.slice(0, SPOT_BATCH_SIZE).map((p) => p.symbol) }],
      ['ibkr.spot', { symbols: [`S${SPOT_BATCH_SIZE}`] }],
    ])
    expect(pages[2]?.params).toEqual([{ exchange: 'ibkr', symbol: `S${SPOT_BATCH_SIZE}` }])
    const [one] = datasets.spot.batch!.fill([{ exchange: 'ibkr', symbol: 'AAPL' }])
    const single = datasets.spot.fill({ exchange: 'ibkr', symbol: 'AAPL' })
    expect(one?.request).toEqual(single)
    expect(jobDataProblem('ibkr.spot', { symbols: ibkr.map((p) => p.symbol) })).toMatch(/symbols/)
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

  it('job data checks accept what producers send, extra fields included', () => {
    expect(jobDataProblem('coingecko.coin', { id: 'bitcoin', origin: 'miss' })).toBeNull()
    expect(
      jobDataProblem('coingecko.markets', { top: 50, origin: 'warm', traceId: 'x' }),
    ).toBeNull()
    expect(jobDataProblem('coingecko.markets', { ids: ['a', 'b'], origin: 'update' })).toBeNull()
  })

  it('job data checks name what no processor can run', () => {
    expect(jobDataProblem('coingecko.coin', { id: 'Bit:coin' })).toContain('/id')
    expect(jobDataProblem('coingecko.coin', null)).not.toBeNull()
    expect(jobDataProblem('coingecko.markets', { top: 0 })).not.toBeNull()
    expect(jobDataProblem('coingecko.markets', { ids: [] })).not.toBeNull()
    const tooMany = Array.from({ length: 251 }, (_, i) => `coin-${i}`)
    expect(jobDataProblem('coingecko.markets', { ids: tooMany })).not.toBeNull()
    expect(jobDataProblem('nope.job' as 'coingecko.coin', { id: 'x' })).toContain('not a job')
  })

  it('every fetched dataset fills through a job of the table, with data its schema accepts', () => {
    const samples: Record<string, Record<string, unknown>> = {
      coin: { id: 'bitcoin' },
      tokenomics: { id: 'bitcoin' },
      spot: { exchange: 'bybit', symbol: 'BTCUSDT' },
      quote: { exchange: 'ibkr', conid: '265598' },
      instruments: { exchange: 'ibkr', underlying: 'SPY' },
      'option-chain': { exchange: 'bybit', underlying: 'BTC' },
      ohlcv: { exchange: 'coingecko', symbol: 'bitcoin' },
      'market-status': { market: 'crypto' },
      collar: { underlying: 'ETH' },
      'options-summary': { exchange: 'bybit', underlying: 'SOL' },
      backtest: { symbol: 'BTCUSDT' },
      catalog: { name: 'coingecko-coins' },
    }
    for (const dataset of Object.values(datasets)) {
      if (isPushed(dataset)) {
        expect(fillOf(dataset, {}), dataset.name).toBeNull()
        continue
      }
      const raw = samples[dataset.name]
      expect(raw, dataset.name).toBeDefined()
      const request = (dataset.fill as (p: unknown) => { name: string; data: unknown })(
        dataset.parseParams(raw ?? {}),
      )
      expect(jobNames, dataset.name).toContain(request.name)
      expect(
        jobDataProblem(request.name as 'coingecko.coin', request.data),
        dataset.name,
      ).toBeNull()
      expect(Value.Check(JobRequestSchema, request), dataset.name).toBe(true)
    }
  })

  it('fills candles of every exchange through a valid job on its own queue', () => {
    for (const [exchange, symbol] of [
      ['bybit', 'BTCUSDT'],
      ['ibkr', 'AAPL'],
      ['coingecko', 'bitcoin'],
    ] as const) {
      const request = datasets.ohlcv.fill(datasets.ohlcv.parseParams({ exchange, symbol }))
      expect(request.queue, exchange).toBe(exchange)
      expect(Value.Check(JobRequestSchema, request), exchange).toBe(true)
    }
  })

  it('each catalog fills through its own job, and each job fetches one catalog', () => {
    const fills = Object.values(CatalogName).map((name) => catalog.fill({ name }))
    expect(fills.map((request) => [request.queue, request.name])).toEqual([
      ['coingecko', 'coingecko.catalog'],
      ['bybit', 'bybit.catalog'],
      ['bybit', 'bybit.option-catalog'],
    ])
    for (const request of fills) expect(Value.Check(JobRequestSchema, request)).toBe(true)
  })

  it('the request schema has one strict member per job', () => {
    expect(JobRequestSchema.anyOf).toHaveLength(jobNames.length)
    const valid = {
      queue: 'bybit',
      name: 'bybit.kline',
      data: { symbol: 'BTCUSDT', interval: '1h' },
    }
    expect(Value.Check(JobRequestSchema, valid)).toBe(true)
    expect(Value.Check(JobRequestSchema, { ...valid, queue: 'ibkr' })).toBe(false)
    expect(Value.Check(JobRequestSchema, { ...valid, data: { ...valid.data, extra: 1 } })).toBe(
      false,
    )
    expect(
      Value.Check(JobRequestSchema, {
        queue: 'coingecko',
        name: 'coingecko.markets',
        data: { top: 5, x: 1 },
      }),
    ).toBe(false)
    expect(Value.Check(JobRequestSchema, { ...valid, name: 'bybit.nope' })).toBe(false)
  })
})
