import { ohlcv } from '@marketcache/shared/datasets/ohlcv'
import { intervalsFor } from '@marketcache/shared/intervals'
import { Value } from '@sinclair/typebox/value'
import { describe, expect, it } from 'vitest'
import { fromOhlcRows, OHLC_DAYS } from '../../../src/providers/coingecko/ohlc'
import { fixture } from '../../support/fixture-server'

const HALF_HOUR = 1_800_000
const FOUR_HOURS = 14_400_000
const recorded = JSON.parse(fixture('ohlc-bitcoin.json')) as number[][]

/** Rows `step` apart whose close times end at `lastClose`. */
function rows(count: number, step: number, lastClose = Date.parse('2025-11-20T12:00:00Z')) {
  return Array.from({ length: count }, (_, i) => {
    const close = lastClose - (count - 1 - i) * step
    return [close, 100 + i, 110 + i, 90 + i, 105 + i]
  })
}

describe('CoinGecko OHLC intervals', () => {
  it('ask for the days that give each interval the shared registry lists for coingecko', () => {
    expect(Object.keys(OHLC_DAYS).sort()).toEqual([...intervalsFor('coingecko')].sort())
    // 1–2 days come in 30-minute candles, 3–30 days in 4-hour candles.
    expect(OHLC_DAYS).toEqual({ '30m': 1, '4h': 30 })
  })
})

describe('fromOhlcRows', () => {
  it('turns the recorded answer into ascending candles that open one interval before they close', () => {
    const mapped = fromOhlcRows('bitcoin', '30m', recorded)
    if (!mapped.ok) throw new Error(mapped.problem)
    const { value, asOf } = mapped.record
    expect(Value.Check(ohlcv.value, value)).toBe(true)
    expect(value).toMatchObject({ exchange: 'coingecko', symbol: 'bitcoin', interval: '30m' })
    expect(value.candles).toHaveLength(recorded.length)
    const [close, o, h, l, c] = recorded[0] as number[]
    expect(value.candles[0]).toEqual({ t: (close as number) - HALF_HOUR, o, h, l, c, v: null })
    const lastClose = (recorded.at(-1) as number[])[0] as number
    expect(asOf).toBe(lastClose)
    expect(value.as_of).toBe(new Date(lastClose).toISOString())
    const times = value.candles.map((candle) => candle.t)
    expect(times).toEqual([...times].sort((a, b) => a - b))
  })

  it('sorts a newest-first answer and keeps the last of repeated close times', () => {
    const sent = rows(4, FOUR_HOURS)
    const repeated = [...(sent[3] as number[])]
    repeated[4] = 999
    const mapped = fromOhlcRows('ethereum', '4h', [...sent].reverse().concat([repeated]))
    if (!mapped.ok) throw new Error(mapped.problem)
    expect(mapped.record.value.candles.map((candle) => candle.t)).toEqual(
      sent.map(([close]) => (close as number) - FOUR_HOURS),
    )
    expect(mapped.record.value.candles.at(-1)?.c).toBe(999)
  })

  it('tolerates one irregular step, such as a still-open last candle', () => {
    const sent = rows(6, HALF_HOUR)
    ;(sent[5] as number[])[0] = ((sent[4] as number[])[0] as number) + 60_000
    expect(fromOhlcRows('bitcoin', '30m', sent).ok).toBe(true)
  })

  it.each([
    ['a body that is not a list', { error: 'oops' }, /not a list/],
    ['an empty list', [], /no candles/],
    ['a row with a price as text', [[1_700_000_000_000, '1', 2, 0.5, 1]], /row 0/],
    ['a row too short', [[1_700_000_000_000, 1, 2, 0.5]], /row 0/],
    ['a close time before the epoch', [[1000, 1, 2, 0.5, 1]], /close time/],
    ['a negative price', [[1_700_000_000_000, -1, 2, 0.5, 1]], /ohlcv\/candles\/0\/o/],
    ['4-hour candles labelled 30m', rows(5, FOUR_HOURS), /not 30m apart/],
  ])('rejects %s', (_name, body, problem) => {
    const mapped = fromOhlcRows('bitcoin', '30m', body)
    expect(mapped.ok).toBe(false)
    expect(mapped.ok ? '' : mapped.problem).toMatch(problem)
  })
})
