import { backtest } from '@marketcache/shared/datasets/backtest'
import { ohlcv } from '@marketcache/shared/datasets/ohlcv'
import type { Envelope } from '@marketcache/shared/envelope'
import { Value } from '@sinclair/typebox/value'
import { describe, expect, it } from 'vitest'
import type { BacktestJobResult } from '../../src/contracts/processor'
import { readEntry } from '../support/entries'
import { useHarness } from '../support/harness'
import { BACKTEST_HARNESS, backtestJob, backtestParams, klineCalls } from './backtest-jobs'

const h = useHarness(BACKTEST_HARNESS)

const run = (params: ReturnType<typeof backtestParams>) => h.run(backtestJob(params))

describe('derive.backtest through the worker', () => {
  it('fetches a cold series once, then writes a valid backtest as of the series', async () => {
    const params = backtestParams('BTCUSDT')
    const done = await run(params)

    expect(await done.getState()).toBe('completed')
    expect(await klineCalls(h.upstream)).toBe(1)
    const key = h.key(backtest, params)
    const result = done.returnvalue as BacktestJobResult
    expect(result).toMatchObject({ written: [key], key, symbol: 'BTCUSDT' })

    const entry = (await readEntry(h.redis, key)) as Envelope
    const series = (await readEntry(
      h.redis,
      h.key(ohlcv, { exchange: 'bybit', symbol: 'BTCUSDT', interval: '1d' }),
    )) as Envelope
    expect(entry).toMatchObject({ source: 'derived', asOf: series.asOf })
    const value = JSON.parse(entry.data)
    expect(Value.Check(backtest.value, value)).toBe(true)
    expect(value).toMatchObject({
      params,
      candles: 1000,
      as_of: new Date(series.asOf).toISOString(),
    })
    expect(result.summary).toEqual({
      total_return: value.total_return,
      sharpe: value.sharpe,
      max_drawdown: value.max_drawdown,
      trade_count: value.trade_count,
    })
    // Fresh for the dataset's day (less a jitter that only shortens).
    expect(entry.freshUntil).toBeLessThanOrEqual(entry.fetchedAt + backtest.freshness.freshMs)
    expect(entry.freshUntil).toBeGreaterThan(entry.fetchedAt + backtest.freshness.freshMs * 0.8)
  })

  it('computes the same backtest once: the second job writes nothing and reports the entry', async () => {
    const params = backtestParams('BTCUSDT')
    const before = (await readEntry(h.redis, h.key(backtest, params))) as Envelope
    const again = await run(params)

    expect(await again.getState()).toBe('completed')
    const result = again.returnvalue as BacktestJobResult
    expect(result.written).toEqual([])
    expect(result.key).toBe(h.key(backtest, params))
    expect(result.summary.total_return).toBe(JSON.parse(before.data).total_return)
    const after = (await readEntry(h.redis, h.key(backtest, params))) as Envelope
    expect(after.fetchedAt).toBe(before.fetchedAt)
    expect(after.etag).toBe(before.etag)
    expect(await klineCalls(h.upstream)).toBe(1)
  })

  it('recomputes a fresh backtest for update-cache and fresh=true: a new version, same series', async () => {
    const params = backtestParams('BTCUSDT')
    const before = (await readEntry(h.redis, h.key(backtest, params))) as Envelope
    const forced = await h.run(backtestJob(params), 'update')

    expect((forced.returnvalue as BacktestJobResult).written).toEqual([h.key(backtest, params)])
    const after = (await readEntry(h.redis, h.key(backtest, params))) as Envelope
    expect(after.fetchedAt).toBeGreaterThan(before.fetchedAt)
    expect(after.asOf).toBe(before.asOf)
    expect(JSON.parse(after.data).total_return).toBe(JSON.parse(before.data).total_return)
    // Over the series as cached: no provider call.
    expect(await klineCalls(h.upstream)).toBe(1)
  })

  it('runs other parameters on the cached series without another provider call', async () => {
    const params = backtestParams('BTCUSDT', { rsi_period: 7, oversold: 25, fee_bps: 0 })
    const done = await run(params)

    expect((done.returnvalue as BacktestJobResult).written).toEqual([h.key(backtest, params)])
    expect(h.key(backtest, params)).not.toBe(h.key(backtest, backtestParams('BTCUSDT')))
    expect(await klineCalls(h.upstream)).toBe(1)
  })

  it('shares one fetch between concurrent backtests of a cold series', async () => {
    const jobs = await Promise.all(
      [5, 9, 14, 21].map((rsi_period) =>
        h.add(backtestJob(backtestParams('ETHUSDT', { rsi_period }))),
      ),
    )
    for (const job of jobs) {
      expect(await (await h.settled(job)).getState()).toBe('completed')
    }
    expect((await h.upstream.stats()).bySymbol.ETHUSDT).toBe(1)
  })

  it('makes a backtest of a pair Bybit does not list not exist either, without retrying', async () => {
    const params = backtestParams('NOPEUSDT')
    const done = await run(params)

    expect(await done.getState()).toBe('failed')
    expect(done.attemptsMade).toBe(1)
    expect(await readEntry(h.redis, h.key(backtest, params))).toMatchObject({ notFound: true })
  })

  it('fails invalid parameters at once, writing nothing', async () => {
    const params = backtestParams('BTCUSDT', { oversold: 80, overbought: 70 })
    const done = await run(params)

    expect(await done.getState()).toBe('failed')
    expect(done.attemptsMade).toBe(1)
    expect(done.failedReason).toMatch(/^INVALID_JOB: .*oversold must be below overbought/)
    expect(await h.redis.exists(h.key(backtest, params))).toBe(0)
  })
})
