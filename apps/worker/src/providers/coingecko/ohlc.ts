import { type Ohlcv, ohlcv } from '@marketcache/shared/datasets/ohlcv'
import { Interval } from '@marketcache/shared/intervals'
import { valueProblem } from '@marketcache/shared/schema-check'

/**
 * The `days` that makes `/coins/{id}/ohlc` answer in each interval. The granularity follows
 * `days` (1–2: 30 minutes, 3–30: 4 hours, 31+: 4 days), so each interval asks for the longest
 * history that still comes at that width.
 */
export const OHLC_DAYS = { '30m': 1, '4h': 30 } as const
export type OhlcInterval = keyof typeof OHLC_DAYS

export function isOhlcInterval(interval: string): interval is OhlcInterval {
  return Object.hasOwn(OHLC_DAYS, interval)
}

/** One coin's candles in one interval, ready for the `ohlcv` entry. */
export interface OhlcRecord {
  id: string
  interval: OhlcInterval
  value: Ohlcv
  /** The last candle's close time (epoch ms): the envelope's asOf. */
  asOf: number
}

export type MappedOhlc = { ok: true; record: OhlcRecord } | { ok: false; problem: string }

type Row = [close: number, o: number, h: number, l: number, c: number]

function isRow(row: unknown): row is Row {
  return (
    Array.isArray(row) &&
    row.length >= 5 &&
    row.slice(0, 5).every((n) => typeof n === 'number' && Number.isFinite(n))
  )
}

/** The largest epoch ms a Date can hold. */
const MAX_DATE_MS = 8.64e15

function isTime(ms: number): boolean {
  return Number.isSafeInteger(ms) && ms >= 0 && ms <= MAX_DATE_MS
}

/**
 * `GET /coins/{id}/ohlc` → `[[ms_close, o, h, l, c], ...]` as ascending candles opening at
 * `close − interval`, without volume (the endpoint has none). The whole answer is rejected when a
 * row is malformed, the list is empty, or the candles are not mostly one interval apart: a gap in
 * a series, or candles of another width, would be cached as truth.
 */
export function fromOhlcRows(id: string, interval: OhlcInterval, body: unknown): MappedOhlc {
  if (!Array.isArray(body)) return { ok: false, problem: 'body is not a list' }
  if (body.length === 0) return { ok: false, problem: 'no candles' }
  const bad = body.findIndex((row) => !isRow(row))
  if (bad >= 0) return { ok: false, problem: `row ${bad} is not [close, o, h, l, c] numbers` }

  const width = Interval[interval]
  const untimed = (body as Row[]).findIndex(([close]) => !isTime(close - width))
  if (untimed >= 0) return { ok: false, problem: `row ${untimed} has no usable close time` }
  // Ascending by close time; a repeated close time keeps the row sent last.
  const byClose = new Map((body as Row[]).map((row) => [row[0], row] as const))
  const rows = [...byClose.values()].sort((a, b) => a[0] - b[0])
  const steps = rows.slice(1).map((row, i) => row[0] - (rows[i] as Row)[0])
  const regular = steps.filter((step) => step === width).length
  if (steps.length > 0 && regular * 2 < steps.length) {
    return { ok: false, problem: `candles are not ${interval} apart (${regular}/${steps.length})` }
  }

  const last = (rows.at(-1) as Row)[0]
  const value = {
    exchange: 'coingecko',
    symbol: id,
    interval,
    candles: rows.map(([close, o, h, l, c]) => ({ t: close - width, o, h, l, c, v: null })),
    as_of: new Date(last).toISOString(),
  }
  // Checked here too (entryOf checks again) so the mapping reports which candle is bad.
  const problem = valueProblem(ohlcv.value, value, 'ohlcv')
  if (problem !== null) return { ok: false, problem }
  return { ok: true, record: { id, interval, value, asOf: last } }
}
