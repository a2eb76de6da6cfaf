import { cacheKey } from '@marketcache/shared/dataset'
import { backtest } from '@marketcache/shared/datasets/backtest'
import { parseBacktestParams } from '@marketcache/shared/datasets/backtest-params'
import { Priority } from '@marketcache/shared/jobs'
import { describe, expect, it } from 'vitest'
import { backtestValue } from '../fixtures/analytics-data'
import { envelope, writeEntry } from '../fixtures/cache-writer'
import {
  expectColdReadFilled,
  expectHitAnd304,
  expectInvalidParams,
  jobsEnqueued,
  withWait,
} from '../fixtures/dataset-reads'
import { stored } from '../fixtures/market-data'
import { TestKeys, useTestApp } from '../fixtures/test-app'

const t = useTestApp()

/** The canonical params of BTCUSDT with every default. */
const DEFAULTS = {
  exchange: 'bybit',
  symbol: 'BTCUSDT',
  interval: '1d',
  start: '',
  end: '',
  rsi_period: 14,
  oversold: 30,
  overbought: 70,
  fee_bps: 10,
  initial_capital: 10_000,
} as const
const keyOf = (raw: Record<string, unknown>) => cacheKey(t.keys, backtest, parseBacktestParams(raw))
const DATA = stored(backtestValue(parseBacktestParams({ symbol: 'BTCUSDT' })))
const get = (url: string) => t.app.inject({ method: 'GET', url })

describe('GET /v1/backtests', () => {
  it('cold: one derive.backtest job with every param canonical, then MISS with the stored bytes', async () => {
    const key = keyOf({ symbol: 'BTCUSDT' })
    expect(key).toMatch(
      new RegExp(`^${t.keys.prefix}:v1:backtest:rsi-mean-reversion:BTCUSDT:[0-9a-f]{16}$`),
    )
    await expectColdReadFilled(t, {
      url: '/v1/backtests?symbol=btcusdt',
      key,
      job: { queue: 'derive', name: 'derive.backtest', data: { ...DEFAULTS } },
      data: DATA,
      source: 'derived',
    })
  })

  it('HIT with the stored bytes exactly and every header; 304 on its ETag', () =>
    expectHitAnd304(t, {
      url: '/v1/backtests?symbol=BTCUSDT&interval=1d',
      key: keyOf({ symbol: 'BTCUSDT' }),
      data: DATA,
      source: 'derived',
    }))

  it('the same params spelled differently share one key and one job', async () => {
    const omitted = '/v1/backtests?symbol=btcusdt'
    const explicit =
      '/v1/backtests?initial_capital=10000.0&fee_bps=10&overbought=70&oversold=30.0' +
      '&rsi_period=14&end=&start=&interval=1d&exchange=BYBIT&symbol=BTCUSDT'
    const [a, b] = await Promise.all([get(withWait(omitted, 100)), get(withWait(explicit, 100))])
    expect(a.statusCode).toBe(503)
    expect(b.json().jobId).toBe(a.json().jobId)
    const jobs = await t.pendingJobs()
    expect(jobs).toHaveLength(1)
    expect(jobs[0]?.data).toEqual({ ...DEFAULTS, origin: 'miss', seenAt: expect.any(Number) })

    await writeEntry(t.redis, t.keys, keyOf({ symbol: 'BTCUSDT' }), envelope(DATA))
    for (const url of [omitted, explicit]) {
      const response = await get(url)
      expect(response.headers['x-cache-status'], url).toBe('HIT')
      expect(response.body).toBe(DATA)
    }
  })

  it('different params are a different entry and a different job', async () => {
    const [a, b] = await Promise.all([
      get(withWait('/v1/backtests?symbol=BTCUSDT', 100)),
      get(withWait('/v1/backtests?symbol=BTCUSDT&rsi_period=21&start=2025-01-01', 100)),
    ])
    expect(b.json().jobId).not.toBe(a.json().jobId)
    const jobs = await t.pendingJobs()
    expect(jobs.map((job) => job.data.rsi_period).sort()).toEqual([14, 21])
    expect(keyOf({ symbol: 'BTCUSDT', rsi_period: 21 })).not.toBe(keyOf({ symbol: 'BTCUSDT' }))
  })

  it('fresh=true reruns a cached backtest at update priority and serves the old one meanwhile', async () => {
    await writeEntry(t.redis, t.keys, keyOf({ symbol: 'BTCUSDT' }), envelope(DATA, { etag: 'b1' }))
    // fresh=true needs a key with the write scope.
    const response = await t.app.inject({
      url: '/v1/backtests?symbol=BTCUSDT&fresh=true&wait=100',
      headers: { authorization: `Bearer ${TestKeys.writer}` },
    })
    expect(response.statusCode).toBe(200)
    expect(response.headers['x-cache-status']).toBe('STALE')
    expect(response.body).toBe(DATA)
    const [job] = await jobsEnqueued(t)
    expect(job?.name).toBe('derive.backtest')
    expect(job?.data).toEqual({ ...DEFAULTS, origin: 'update' })
    expect(job?.opts.priority).toBe(Priority.update)
  })
})

describe('backtests: bad params are a 400 naming the parameter, with nothing enqueued', () => {
  const URL = '/v1/backtests?symbol=BTCUSDT'
  it.each([
    ['/v1/backtests', 'symbol'],
    ['/v1/backtests?symbol=BTC-USDT', 'symbol "BTC-USDT" is not a Bybit pair such as BTCUSDT'],
    ['/v1/backtests?symbol=BTC:USDT', /^symbol must be 1-64 characters/],
    [`${URL}&exchange=coingecko`, 'backtests run on bybit candles'],
    [`${URL}&exchange=ibkr`, 'backtests run on bybit candles'],
    [`${URL}&exchange=binance`, 'exchange must be one of bybit, ibkr, coingecko'],
    [`${URL}&interval=4h`, 'interval must be one of 1h, 1d'],
    [`${URL}&interval=2h`, 'interval must be one of'],
    [`${URL}&start=2025-13-01`, 'start must be a date as YYYY-MM-DD'],
    [`${URL}&end=yesterday`, 'end must be a date as YYYY-MM-DD'],
    [`${URL}&start=2025-06-01&end=2025-01-01`, 'start must not be after end'],
    [`${URL}&rsi_period=1`, 'rsi_period'],
    [`${URL}&rsi_period=101`, 'rsi_period'],
    [`${URL}&rsi_period=14.5`, 'rsi_period must be an integer'],
    [`${URL}&oversold=-1`, 'oversold'],
    [`${URL}&overbought=101`, 'overbought'],
    [`${URL}&oversold=80`, 'oversold must be below overbought'],
    [`${URL}&fee_bps=1001`, 'fee_bps'],
    [`${URL}&fee_bps=1e2`, 'fee_bps must be a decimal number'],
    [`${URL}&initial_capital=0`, 'initial_capital'],
    [`${URL}&initial_capital=lots`, 'initial_capital must be a decimal number'],
  ])('%s → %s', (url, message) => expectInvalidParams(t, url, message))
})
