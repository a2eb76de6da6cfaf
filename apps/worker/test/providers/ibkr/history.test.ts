import { intervalsFor } from '@marketcache/shared/intervals'
import { describe, expect, it } from 'vitest'
import { fromHistoryBody, HISTORY_QUERY } from '../../../src/providers/ibkr/history'
import { ibkrFixture } from './fixture-route'

const NOW = Date.parse('2025-01-20T12:00:00Z')
const DAY = 86_400_000

type Body = Record<string, unknown> & { data: Record<string, number>[] }
const recorded = (): Body => JSON.parse(ibkrFixture('history-265598-1d.json')) as Body

describe('IBKR history answers', () => {
  it('asks for every interval the ibkr exchange serves, and only those', () => {
    expect(Object.keys(HISTORY_QUERY)).toEqual(intervalsFor('ibkr'))
  })

  it('maps bars to ascending candles opening at t, as of the last bar’s end', () => {
    const body = recorded()
    const mapped = fromHistoryBody('AAPL', '1d', { ...body, data: [...body.data].reverse() }, NOW)
    if (!mapped.ok) throw new Error(mapped.problem)
    expect(mapped.value.candles.map((candle) => candle.t)).toEqual(body.data.map((bar) => bar.t))
    expect(mapped.value.candles[0]).toEqual({ ...body.data[0] })
    const last = body.data.at(-1)?.t as number
    expect(mapped.asOf).toBe(last + DAY)
    expect(mapped.value.as_of).toBe(new Date(last + DAY).toISOString())
    // While the last bar is still open, asOf is now.
    const open = fromHistoryBody('AAPL', '1d', body, last + 3_600_000)
    expect(open.ok && open.asOf).toBe(last + 3_600_000)
  })

  it('divides by priceFactor only bars on the summary’s scale', () => {
    const body = recorded()
    const scaled = {
      ...body,
      data: body.data.map((bar) => ({
        ...bar,
        o: Math.round((bar.o as number) * 100),
        h: Math.round((bar.h as number) * 100),
        l: Math.round((bar.l as number) * 100),
        c: Math.round((bar.c as number) * 100),
      })),
    }
    const plain = fromHistoryBody('AAPL', '1d', body, NOW)
    const divided = fromHistoryBody('AAPL', '1d', scaled, NOW)
    expect(plain.ok && plain.value.candles[0]?.h).toBe(body.data[0]?.h)
    expect(divided.ok && divided.value.candles).toEqual(plain.ok && plain.value.candles)
    // No summary to compare: a factor above 1 divides, as older gateways scale the bars.
    const bare = fromHistoryBody('AAPL', '1d', { ...scaled, high: undefined }, NOW)
    expect(bare.ok && bare.value.candles[0]?.h).toBe(body.data[0]?.h)
    const unscaled = fromHistoryBody('AAPL', '1d', { ...body, priceFactor: 1, high: '' }, NOW)
    expect(unscaled.ok && unscaled.value.candles[0]?.h).toBe(body.data[0]?.h)
  })

  it.each([
    [
      'an error body',
      { error: 'Chart data unavailable' },
      'the gateway says "Chart data unavailable"',
    ],
    ['a list', [], 'body is not an object'],
    ['no data', { symbol: 'AAPL' }, 'no data list'],
    ['no bars', { data: [] }, 'no bars'],
    ['a bar of strings', { data: [{ o: '1', h: 1, l: 1, c: 1, v: 1, t: 1 }] }, 'bar 0 is not'],
    ['a bar without t', { data: [{ o: 1, h: 1, l: 1, c: 1, v: 1 }] }, 'bar 0 is not'],
    ['a fractional t', { data: [{ o: 1, h: 1, l: 1, c: 1, v: 1, t: 1.5 }] }, 'bar 0 is not'],
    ['a negative price', { data: [{ o: -1, h: 1, l: 1, c: 1, v: 1, t: 1 }] }, 'ohlcv/candles/0/o'],
    ['hourly bars', { barLength: 3600, data: [{ o: 1, h: 1, l: 1, c: 1, v: 1, t: 1 }] }, 'not 1d'],
  ])('refuses %s', (_, body, problem) => {
    const mapped = fromHistoryBody('AAPL', '1d', body, NOW)
    expect(mapped.ok).toBe(false)
    expect(mapped.ok ? '' : mapped.problem).toContain(problem)
  })

  it('takes a bar without volume as null volume', () => {
    const mapped = fromHistoryBody('AAPL', '1h', { data: [{ o: 1, h: 2, l: 1, c: 2, t: 0 }] }, NOW)
    expect(mapped.ok && mapped.value.candles).toEqual([{ t: 0, o: 1, h: 2, l: 1, c: 2, v: null }])
  })
})
