import { describe, expect, it } from 'vitest'
import {
  cagr,
  downsample,
  maxDrawdown,
  sharpeRatio,
  totalReturn,
  winRate,
  YEAR_MS,
} from '../../../src/derive/analytics/performance'

const DAY = 86_400_000

describe('performance statistics', () => {
  it('takes the largest fall from a running peak, not from the first value', () => {
    // Peaks 120 then 130: falls 1 − 90/120 = 0.25 and 1 − 65/130 = 0.5.
    expect(maxDrawdown([100, 120, 90, 130, 65])).toBeCloseTo(0.5, 12)
    expect(maxDrawdown([100, 110, 120])).toBe(0)
    expect(maxDrawdown([])).toBe(0)
  })

  it('annualises growth over the span of the candles, and not under a day', () => {
    // Doubling over exactly one 365-day year is 100 %; over half a year, 2² − 1 = 300 %.
    expect(cagr(100, 200, 0, YEAR_MS)).toBeCloseTo(1, 12)
    expect(cagr(100, 200, 0, YEAR_MS / 2)).toBeCloseTo(3, 12)
    expect(cagr(100, 200, 0, DAY - 1)).toBeNull()
    expect(totalReturn(100, 150)).toBeCloseTo(0.5, 12)
  })

  it('computes the Sharpe ratio from per-candle returns with the sample deviation', () => {
    // Equity 100 → 110 → 99 → 108.9: returns +0.1, −0.1, +0.1.
    //   mean = 0.1/3 = 0.033333; deviations 0.066667, −0.133333, 0.066667
    //   sample variance = (0.0044444 + 0.0177778 + 0.0044444) / 2 = 0.0133333; stdev = 0.1154701
    //   per-candle Sharpe = 0.033333 / 0.1154701 = 0.2886751; × √8760 (hourly) = 27.01851
    expect(sharpeRatio([100, 110, 99, 108.9], 8760)).toBeCloseTo(27.01851, 4)
    expect(sharpeRatio([100, 110], 365)).toBeNull()
    expect(sharpeRatio([100, 100, 100], 365)).toBeNull()
  })

  it('counts only closed trades in the win rate', () => {
    const trades = [
      { exitT: 1, return: 0.1 },
      { exitT: 2, return: -0.05 },
      { exitT: 3, return: 0 },
      { exitT: null, return: 0.2 },
    ]
    expect(winRate(trades)).toBeCloseTo(1 / 3, 12)
    expect(winRate([{ exitT: null, return: 0.2 }])).toBeNull()
  })

  it('downsamples to at most the cap, keeping the first and last points in order', () => {
    const points = Array.from({ length: 1234 }, (_, i) => i)
    const kept = downsample(points, 500)

    expect(kept).toHaveLength(500)
    expect(kept[0]).toBe(0)
    expect(kept.at(-1)).toBe(1233)
    for (let k = 1; k < kept.length; k++) expect(kept[k]).toBeGreaterThan(kept[k - 1] as number)
    expect(downsample([1, 2, 3], 500)).toEqual([1, 2, 3])
  })
})
