import { describe, expect, it } from 'vitest'
import { type PriceBar, simulateRsiMeanReversion } from '../../../src/derive/analytics/backtest'
import {
  cagr,
  maxDrawdown,
  sharpeRatio,
  totalReturn,
  winRate,
} from '../../../src/derive/analytics/performance'

const DAY = 86_400_000
const T0 = Date.UTC(2025, 0, 1)
const bars = (rows: [open: number, close: number][]): PriceBar[] =>
  rows.map(([o, c], i) => ({ t: T0 + i * DAY, o, c }))

const STRATEGY = { rsiPeriod: 2, oversold: 30, overbought: 70, feeBps: 10, initialCapital: 1000 }

/**
 * Six daily candles, RSI period 2, oversold 30, overbought 70, fee 10 bps, capital 1000.
 *
 *   candle  open  close  change  avgGain  avgLoss  RSI
 *   0       100   100
 *   1       101   104    +4
 *   2       103   102    -2      (4+0)/2=2  (0+2)/2=1   100-100/3   = 66.67
 *   3       101    96    -6      (2+0)/2=1  (1+6)/2=3.5 100-100/(9/7) = 22.22  crosses below 30: BUY
 *   4       100   104    +8      (1+8)/2=4.5 3.5/2=1.75 100-100/(25/7) = 72   crosses above 70: SELL
 *   5        98   106
 *
 * The buy signal at candle 3's close fills at candle 4's OPEN (100), not at 96:
 *   units = 1000 × (1 − 0.001) / 100 = 9.99
 * Equity at candle 4's close = 9.99 × 104 = 1038.96.
 * The sell signal at candle 4's close fills at candle 5's open (98):
 *   cash = 9.99 × 98 × 0.999 = 978.04098; trade return = 978.04098 / 1000 − 1 = −0.02195902.
 * Equity curve: 1000, 1000, 1000, 1000, 1038.96, 978.04098.
 */
const SIX = bars([
  [100, 100],
  [101, 104],
  [103, 102],
  [101, 96],
  [100, 104],
  [98, 106],
])

describe('RSI mean reversion, simulated', () => {
  it('enters at the next open after the signal, pays the fee both ways, exits at the next open', () => {
    const { trades, equity } = simulateRsiMeanReversion(SIX, STRATEGY)

    expect(trades).toHaveLength(1)
    expect(trades[0]).toMatchObject({
      entryT: T0 + 4 * DAY,
      entryPrice: 100,
      exitT: T0 + 5 * DAY,
      exitPrice: 98,
    })
    expect(trades[0]?.return).toBeCloseTo(-0.02195902, 10)
    expect(equity.map((p) => p.t)).toEqual(SIX.map((bar) => bar.t))
    const values = equity.map((p) => p.equity)
    expect(values.slice(0, 4)).toEqual([1000, 1000, 1000, 1000])
    expect(values[4]).toBeCloseTo(1038.96, 10)
    expect(values[5]).toBeCloseTo(978.04098, 10)
  })

  it('computes every statistic of the six-candle example as worked out by hand', () => {
    const { trades, equity } = simulateRsiMeanReversion(SIX, STRATEGY)
    const values = equity.map((p) => p.equity)

    // total return = 978.04098 / 1000 − 1
    expect(totalReturn(1000, values[5] as number)).toBeCloseTo(-0.02195902, 10)
    // One closed trade, a loss: win rate 0 / 1.
    expect(winRate(trades)).toBe(0)
    // Peak 1038.96 (candle 4) to 978.04098: 1 − 978.04098 / 1038.96 = 60.91902 / 1038.96 = 0.0586346
    expect(maxDrawdown(values)).toBeCloseTo(60.91902 / 1038.96, 10)
    // Per-candle returns: 0, 0, 0, 0.03896, 978.04098 / 1038.96 − 1 = −0.0586346
    //   mean = (0.03896 − 0.0586346) / 5 = −0.00393492
    //   squared deviations: 3 × 0.00393492² = 0.0000464509; (0.03896 + 0.00393492)² = 0.00183996;
    //   (−0.0586346 + 0.00393492)² = 0.00299206; sum = 0.00487847
    //   sample stdev = √(0.00487847 / 4) = 0.0349230
    //   Sharpe = −0.00393492 / 0.0349230 × √365 = −0.112674 × 19.10497 = −2.15263
    expect(sharpeRatio(values, 365)).toBeCloseTo(-2.15263, 4)
    // First to last candle: 5 days → CAGR = 0.97804098^(365 / 5) − 1 = −0.802274
    expect(cagr(1000, values[5] as number, SIX[0]?.t ?? 0, SIX[5]?.t ?? 0)).toBeCloseTo(
      -0.802274,
      5,
    )
  })

  it('marks a trade still open at the end at the last close and never fills a last-candle signal', () => {
    // The first five candles: the sell signal now falls on the last candle, so it is not filled.
    const { trades, equity } = simulateRsiMeanReversion(SIX.slice(0, 5), STRATEGY)

    expect(trades).toEqual([
      {
        entryT: T0 + 4 * DAY,
        entryPrice: 100,
        exitT: null,
        exitPrice: null,
        // Marked at 104 without an exit fee: 9.99 × 104 / 1000 − 1
        return: expect.closeTo(0.03896, 10),
      },
    ])
    expect(equity.at(-1)?.equity).toBeCloseTo(1038.96, 10)
    expect(winRate(trades)).toBeNull()
  })

  it('does not look ahead: what the fill candle closes at cannot change the entry', () => {
    const crash = SIX.map((bar, i) => (i === 4 ? { ...bar, c: 50 } : bar))
    const { trades } = simulateRsiMeanReversion(crash.slice(0, 5), STRATEGY)

    expect(trades[0]).toMatchObject({ entryT: T0 + 4 * DAY, entryPrice: 100 })
    // 9.99 × 50 / 1000 − 1
    expect(trades[0]?.return).toBeCloseTo(-0.5005, 10)
  })

  it('stays in cash without a signal: no trades, flat equity, no Sharpe', () => {
    const rising = bars([
      [1, 1],
      [1, 2],
      [2, 3],
      [3, 4],
      [4, 5],
    ])
    const { trades, equity } = simulateRsiMeanReversion(rising, STRATEGY)
    const values = equity.map((p) => p.equity)

    expect(trades).toEqual([])
    expect(values).toEqual([1000, 1000, 1000, 1000, 1000])
    expect(maxDrawdown(values)).toBe(0)
    expect(sharpeRatio(values, 365)).toBeNull()
  })
})
