import { type Backtest, backtest } from '@marketcache/shared/datasets/backtest'
import {
  BACKTEST_DEFAULTS,
  type BacktestParams,
} from '@marketcache/shared/datasets/backtest-params'
import type { Ohlcv } from '@marketcache/shared/datasets/ohlcv'
import { buildSimulator } from '@marketcache/simulator/app'
import { Value } from '@sinclair/typebox/value'
import { RSI, SD } from 'technicalindicators'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { wilderRsi } from '../../src/derive/analytics/rsi'
import { backtestValue, candlesInRange } from '../../src/derive/backtest-value'

const NOW = Date.UTC(2025, 5, 1, 12, 0, 3)

const paramsFor = (overrides: Partial<BacktestParams> = {}): BacktestParams => ({
  ...BACKTEST_DEFAULTS,
  exchange: 'bybit',
  symbol: 'BTCUSDT',
  ...overrides,
})

let sim: Awaited<ReturnType<typeof buildSimulator>>

beforeAll(async () => {
  sim = await buildSimulator({
    seed: 7,
    now: () => NOW,
    latencyMs: 0,
    quotaPerWindow: 0,
    bybit: { rateLimitPerSecond: 0, ipLimitPer5s: 0 },
  })
})
afterAll(() => sim.close())

/** A simulator kline series as the worker caches it: ascending, numbers. */
async function series(symbol: string, interval: '1h' | '1d'): Promise<Ohlcv> {
  const bybitInterval = interval === '1h' ? '60' : 'D'
  const response = await sim.inject({
    method: 'GET',
    url: `/v5/market/kline?category=spot&symbol=${symbol}&interval=${bybitInterval}&limit=1000`,
  })
  const rows = (response.json() as { result: { list: string[][] } }).result.list
  const candles = rows.reverse().map((row) => {
    const [t, o, h, l, c, v] = row.map(Number) as number[]
    return {
      t: t as number,
      o: o as number,
      h: h as number,
      l: l as number,
      c: c as number,
      v: v ?? null,
    }
  })
  return { exchange: 'bybit', symbol, interval, candles, as_of: new Date(NOW).toISOString() }
}

describe('the backtest value', () => {
  it('uses the candles between the UTC dates, both inclusive', async () => {
    const hourly = await series('ETHUSDT', '1h')
    const used = candlesInRange(hourly.candles, '2025-05-10', '2025-05-11')

    expect(used).toHaveLength(48)
    expect(used[0]?.t).toBe(Date.UTC(2025, 4, 10))
    expect(used.at(-1)?.t).toBe(Date.UTC(2025, 4, 11, 23))
    expect(candlesInRange(hourly.candles, '', '')).toHaveLength(hourly.candles.length)

    const value = backtestValue(
      paramsFor({ symbol: 'ETHUSDT', interval: '1h', start: '2025-05-10', end: '2025-05-11' }),
      hourly,
      NOW,
    )
    expect(value).toMatchObject({
      from: '2025-05-10T00:00:00.000Z',
      to: '2025-05-11T23:00:00.000Z',
      candles: 48,
      as_of: new Date(NOW).toISOString(),
    })
    expect(Value.Check(backtest.value, value)).toBe(true)
  })

  it('caps the equity curve at 500 points, first and last kept, and validates', async () => {
    const daily = await series('BTCUSDT', '1d')
    const value = backtestValue(paramsFor(), daily, NOW)

    expect(value.candles).toBe(1000)
    expect(value.equity_curve).toHaveLength(500)
    expect(value.equity_curve[0]).toEqual({ t: daily.candles[0]?.t, equity: 10_000 })
    expect(value.equity_curve.at(-1)?.t).toBe(daily.candles.at(-1)?.t)
    expect(value.equity_curve.at(-1)?.equity).toBeCloseTo(10_000 * (1 + value.total_return), 6)
    expect(Value.Check(backtest.value, value)).toBe(true)
  })

  it('writes an empty result for a range without candles', async () => {
    const value = backtestValue(
      paramsFor({ start: '2001-01-01', end: '2001-12-31' }),
      await series('BTCUSDT', '1d'),
      NOW,
    )
    expect(value).toMatchObject({
      from: '',
      to: '',
      candles: 0,
      total_return: 0,
      cagr: null,
      trade_count: 0,
      win_rate: null,
      max_drawdown: 0,
      sharpe: null,
      trades: [],
      equity_curve: [],
    })
    expect(Value.Check(backtest.value, value)).toBe(true)
  })
})

const CASES = [
  ['BTCUSDT', '1h'],
  ['SOLUSDT', '1h'],
  ['DOGEUSDT', '1d'],
  ['SC001USDT', '1h'],
] as const

describe('against independent implementations, on simulator candles', () => {
  it.each(CASES)('RSI of %s %s agrees with technicalindicators', async (symbol, interval) => {
    const closes = (await series(symbol, interval)).candles.map((c) => c.c)
    for (const period of [3, 14, 30]) {
      const ours = wilderRsi(closes, period)
      // technicalindicators starts at the first RSI and rounds to 2 decimals.
      const theirs = RSI.calculate({ values: closes, period })
      expect(theirs).toHaveLength(closes.length - period)
      theirs.forEach((value, i) => {
        expect(Math.abs((ours[period + i] as number) - value)).toBeLessThanOrEqual(0.005 + 1e-9)
      })
    }
  })

  it.each(CASES)(
    'the statistics of %s %s follow from the trades list',
    async (symbol, interval) => {
      const data = await series(symbol, interval)
      const params = paramsFor({ symbol, interval, rsi_period: 6, fee_bps: 25 })
      const value = backtestValue(params, data, NOW)
      const candles = data.candles

      // A short RSI trades often enough (~30 times in 1000 candles) to exercise every path.
      expect(value.trade_count).toBeGreaterThanOrEqual(10)
      checkTrades(value, candles, params)
      const equity = equityFromTrades(value, candles, params)

      // Compounding each trade's return gives the total return.
      const compounded = value.trades.reduce((product, trade) => product * (1 + trade.return), 1)
      expect(value.total_return).toBeCloseTo(compounded - 1, 9)
      expect(value.max_drawdown).toBeCloseTo(bruteForceDrawdown(equity), 9)
      const closed = value.trades.filter((trade) => trade.exit_time !== null)
      expect(value.win_rate).toBe(
        closed.length === 0 ? null : closed.filter((t) => t.return > 0).length / closed.length,
      )

      // Sharpe from technicalindicators' (population) standard deviation, made a sample one. It is
      // fed gross returns e_k / e_(k−1), which deviate exactly as much as the net ones: its window
      // iterator stops at the first 0, and a strategy in cash has many zero net returns.
      const gross = equity.slice(1).map((e, k) => e / (equity[k] as number))
      const n = gross.length
      const sample =
        (SD.calculate({ values: gross, period: n })[0] as number) * Math.sqrt(n / (n - 1))
      const mean = gross.reduce((sum, g) => sum + (g - 1), 0) / n
      const perYear = interval === '1h' ? 8760 : 365
      expect(value.sharpe).toBeCloseTo((mean / sample) * Math.sqrt(perYear), 6)
    },
  )
})

/** Every trade fills at the open after an RSI cross (checked with technicalindicators' RSI). */
function checkTrades(value: Backtest, candles: Ohlcv['candles'], params: BacktestParams) {
  const rsi = RSI.calculate({ values: candles.map((c) => c.c), period: params.rsi_period })
  const rsiAt = (index: number) => rsi[index - params.rsi_period]
  const indexOf = (iso: string) => candles.findIndex((c) => c.t === Date.parse(iso))
  const fee = params.fee_bps / 10_000
  const near = (x: number | undefined, level: number) =>
    x === undefined || Math.abs(x - level) < 0.01
  for (const trade of value.trades) {
    const entry = indexOf(trade.entry_time)
    expect(trade.entry_price).toBe(candles[entry]?.o)
    const [before, signal] = [rsiAt(entry - 2), rsiAt(entry - 1)]
    if (!near(before, params.oversold) && !near(signal, params.oversold)) {
      expect(before).toBeGreaterThanOrEqual(params.oversold)
      expect(signal).toBeLessThan(params.oversold)
    }
    if (trade.exit_time === null) {
      const last = candles.at(-1) as Ohlcv['candles'][number]
      expect(trade.return).toBeCloseTo(((1 - fee) * last.c) / trade.entry_price - 1, 9)
      continue
    }
    const exit = indexOf(trade.exit_time)
    expect(exit).toBeGreaterThan(entry)
    expect(trade.exit_price).toBe(candles[exit]?.o)
    const [prior, trigger] = [rsiAt(exit - 2), rsiAt(exit - 1)]
    if (!near(prior, params.overbought) && !near(trigger, params.overbought)) {
      expect(prior).toBeLessThanOrEqual(params.overbought)
      expect(trigger).toBeGreaterThan(params.overbought)
    }
    expect(trade.return).toBeCloseTo(
      (1 - fee) ** 2 * ((trade.exit_price as number) / trade.entry_price) - 1,
      9,
    )
  }
}

/** Equity at each close rebuilt from the trades alone: cash compounds per closed trade. */
function equityFromTrades(value: Backtest, candles: Ohlcv['candles'], params: BacktestParams) {
  const fee = params.fee_bps / 10_000
  return candles.map((candle) => {
    let cash = params.initial_capital
    for (const trade of value.trades) {
      const entered = Date.parse(trade.entry_time) <= candle.t
      const exited = trade.exit_time !== null && Date.parse(trade.exit_time) <= candle.t
      if (exited) cash *= 1 + trade.return
      else if (entered) return (cash * (1 - fee) * candle.c) / trade.entry_price
    }
    return cash
  })
}

function bruteForceDrawdown(equity: readonly number[]): number {
  let worst = 0
  for (let i = 0; i < equity.length; i++) {
    for (let j = i + 1; j < equity.length; j++) {
      worst = Math.max(worst, 1 - (equity[j] as number) / (equity[i] as number))
    }
  }
  return worst
}
