import { type Ohlcv, ohlcv } from '@marketcache/shared/datasets/ohlcv'
import { Interval } from '@marketcache/shared/intervals'
import { valueProblem } from '@marketcache/shared/schema-check'
import { isObject, type Json } from './body'

/**
 * What `/iserver/marketdata/history` is asked for each interval marketcache serves: a `bar` of
 * that width over the longest `period` that stays well under the gateway's 1000 points (about
 * 150 hourly bars of regular hours, about 250 daily ones).
 */
export const HISTORY_QUERY = {
  '1h': { period: '1m', bar: '1h' },
  '1d': { period: '1y', bar: '1d' },
} as const
export type HistoryInterval = keyof typeof HISTORY_QUERY

export function isHistoryInterval(interval: string): interval is HistoryInterval {
  return Object.hasOwn(HISTORY_QUERY, interval)
}

export type MappedHistory =
  | { ok: true; value: Ohlcv; asOf: number }
  | { ok: false; problem: string }

interface Bar {
  t: number
  o: number
  h: number
  l: number
  c: number
  v: number | null
}

const isNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value)

function barOf(row: unknown): Bar | null {
  if (!isObject(row)) return null
  const { t, o, h, l, c, v } = row
  if (![t, o, h, l, c].every(isNumber) || !Number.isSafeInteger(t)) return null
  if (v !== undefined && v !== null && !isNumber(v)) return null
  return { t, o, h, l, c, v: isNumber(v) ? v : null } as Bar
}

/**
 * What the bars' prices are divided by. `priceFactor` scales the `high`/`low` summaries
 * (`"17538/4769/2175"` is $175.38 at factor 100) and, in some gateway versions, the bars as well.
 * Bars on the summary's scale (their highest high near the summary's price) are divided by it;
 * bars in plain prices (near the summary ÷ factor) are not. Without a summary to compare, a
 * factor above 1 is taken to scale the bars.
 */
function priceDivisor(body: Json, bars: readonly Bar[]): number {
  const factor = isNumber(body.priceFactor) && body.priceFactor > 1 ? body.priceFactor : 1
  if (factor === 1) return 1
  const summary = Number.parseFloat(String(body.high ?? '').split('/')[0] ?? '')
  if (!Number.isFinite(summary) || summary <= 0) return factor
  const highest = Math.max(...bars.map((bar) => bar.h))
  return Math.abs(highest - summary) < Math.abs(highest * factor - summary) ? factor : 1
}

function problemOf(body: unknown, interval: HistoryInterval): string | null {
  if (!isObject(body)) return 'body is not an object'
  if (typeof body.error === 'string') return `the gateway says "${body.error.slice(0, 120)}"`
  if (!Array.isArray(body.data)) return 'no data list'
  if (body.data.length === 0) return 'no bars'
  // `barLength` is in seconds; bars of another width would be cached as this interval's.
  if (isNumber(body.barLength) && body.barLength * 1000 !== Interval[interval]) {
    return `bars are ${body.barLength} s long, not ${interval}`
  }
  const bad = body.data.findIndex((row) => barOf(row) === null)
  return bad >= 0 ? `bar ${bad} is not {t, o, h, l, c, v} numbers` : null
}

/**
 * A history answer → the `ohlcv` value of one stock, ascending by `t` (the bar's start), or why
 * it is refused: an error body, no `data`, no bars, a bar that is not numbers, bars of another
 * width. The whole answer is refused, not just a bar: a gap would be cached as the series. asOf is
 * the end of the last bar, or now while that bar is still open.
 */
export function fromHistoryBody(
  symbol: string,
  interval: HistoryInterval,
  body: unknown,
  now: number,
): MappedHistory {
  const problem = problemOf(body, interval)
  if (problem !== null) return { ok: false, problem }
  const { data } = body as { data: unknown[] }
  const bars = data.map(barOf) as Bar[]
  const divisor = priceDivisor(body as Json, bars)
  const price = (value: number) => Number((value / divisor).toPrecision(12))
  // A repeated start keeps the bar sent last.
  const byStart = new Map(bars.map((bar) => [bar.t, bar] as const))
  const candles = [...byStart.values()]
    .sort((a, b) => a.t - b.t)
    .map((bar) => ({
      t: bar.t,
      o: price(bar.o),
      h: price(bar.h),
      l: price(bar.l),
      c: price(bar.c),
      v: bar.v,
    }))
  const last = candles.at(-1)?.t ?? now
  const asOf = Math.min(now, last + Interval[interval])
  const value = {
    exchange: 'ibkr',
    symbol,
    interval,
    candles,
    as_of: new Date(asOf).toISOString(),
  }
  // Checked here too (entryOf checks again) so the error names the bar that is wrong.
  const invalid = valueProblem(ohlcv.value, value, 'ohlcv')
  return invalid === null ? { ok: true, value, asOf } : { ok: false, problem: invalid }
}
