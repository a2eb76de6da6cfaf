import { describe, expect, it } from 'vitest'
import { wilderRsi } from '../../../src/derive/analytics/rsi'

describe("Wilder's RSI", () => {
  it('matches a period-3 example worked out by hand', () => {
    // closes   10   12   11   14   13   12   15   14
    // change        +2   -1   +3   -1   -1   +3   -1
    // Seed at close 3: avgGain = (2 + 0 + 3) / 3 = 5/3, avgLoss = (0 + 1 + 0) / 3 = 1/3,
    //   RS = 5, RSI = 100 - 100 / 6 = 83.333…
    // Close 4 (-1): avgGain = (5/3 · 2 + 0) / 3 = 10/9, avgLoss = (1/3 · 2 + 1) / 3 = 5/9,
    //   RS = 2, RSI = 100 - 100 / 3 = 66.667
    // Close 5 (-1): avgGain = (10/9 · 2) / 3 = 20/27, avgLoss = (5/9 · 2 + 1) / 3 = 19/27,
    //   RS = 20/19, RSI = 100 - 1900/39 = 51.282
    // Close 6 (+3): avgGain = (20/27 · 2 + 3) / 3 = 121/81, avgLoss = (19/27 · 2) / 3 = 38/81,
    //   RS = 121/38, RSI = 100 - 3800/159 = 76.101
    // Close 7 (-1): avgGain = (121/81 · 2) / 3 = 242/243, avgLoss = (38/81 · 2 + 1) / 3 = 157/243,
    //   RS = 242/157, RSI = 100 - 15700/399 = 60.652
    const rsi = wilderRsi([10, 12, 11, 14, 13, 12, 15, 14], 3)

    expect(rsi.slice(0, 3)).toEqual([null, null, null])
    const expected = [100 - 100 / 6, 100 - 100 / 3, 100 - 1900 / 39, 100 - 3800 / 159]
    expected.push(100 - 15700 / 399)
    expected.forEach((value, i) => {
      expect(rsi[3 + i]).toBeCloseTo(value, 10)
    })
  })

  it('is 100 without losses (a flat series too) and 0 without gains', () => {
    expect(wilderRsi([1, 2, 3, 4], 2)).toEqual([null, null, 100, 100])
    expect(wilderRsi([5, 5, 5], 2)).toEqual([null, null, 100])
    expect(wilderRsi([4, 3, 2, 1], 2)).toEqual([null, null, 0, 0])
  })

  it('has no value until `period` changes exist', () => {
    expect(wilderRsi([1, 2, 3], 3)).toEqual([null, null, null])
    expect(wilderRsi([], 14)).toEqual([])
  })
})
