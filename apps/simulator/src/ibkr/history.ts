import type { Answer } from '../gate'
import type { Candle } from '../market/candles'
import type { EquityMarket } from '../market/equities'
import { hashSeed, noiseAt } from '../prng'
import { param, type Query } from '../query'
import type { IbkrCatalog, IbkrStock } from './catalog'
import { ibkrError } from './failures'
import { barLengthMs, historyBars, periodMs } from './history-bars'

/** The gateway caps one history answer at this many bars, keeping the latest. */
export const MAX_HISTORY_POINTS = 1000
/** Cents: the display rule of US stocks; the `high`/`low` summaries are scaled by it. */
const PRICE_FACTOR = 100
/** The summaries' volumes are in hundreds of shares, whatever `volumeFactor` says. */
const SUMMARY_VOLUME_FACTOR = 100
/** 09:30 to 16:00. */
const SESSION_MS = 6.5 * 3_600_000

export interface HistoryDeps {
  readonly catalog: IbkrCatalog
  readonly equities: EquityMarket
  readonly seed: number
}

const cents = (value: number) => Number(value.toFixed(2))

/** `20250115-14:30:00`: UTC, as the gateway writes `startTime`. */
function gatewayTime(ms: number): string {
  const iso = new Date(ms).toISOString()
  return `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19)}`
}

/**
 * `GET /iserver/marketdata/history?conid=&period=&bar=&outsideRth=`: a stock's bars, oldest
 * first, `t` the bar's start in epoch ms, prices as plain numbers, volume in shares. Only
 * regular-hours bars exist here (`outsideRth=true` is accepted and changes nothing: the
 * simulated market does not trade outside its sessions). An unknown conid answers 400.
 */
export function historyAnswer(deps: HistoryDeps, query: Query, now: number): Answer {
  const conid = param(query, 'conid')
  if (conid === undefined) return ibkrError(400, 'conid is required')
  if (!/^\d+$/.test(conid)) return ibkrError(400, 'conid must be an integer')
  const period = param(query, 'period')
  const bar = param(query, 'bar')
  if (period === undefined) return ibkrError(400, 'period is required')
  if (bar === undefined) return ibkrError(400, 'bar is required')
  const span = periodMs(period)
  if (span === null) return ibkrError(400, `period ${period} is not valid`)
  const barMs = barLengthMs(bar)
  if (barMs === null) return ibkrError(400, `bar ${bar} is not valid`)
  const target = deps.catalog.resolve(Number(conid), now)
  if (target === undefined) return ibkrError(400, `no contract for conid ${conid}`)
  if (target.kind !== 'stock') return ibkrError(400, `no chart data for conid ${conid}`)

  const { symbol } = target.stock.listing
  const bars = historyBars(deps.equities, symbol, { periodMs: span, barMs, now }).slice(
    -MAX_HISTORY_POINTS,
  )
  const data = bars.map((candle) => ({
    o: cents(candle.open),
    c: cents(candle.close),
    h: cents(candle.high),
    l: cents(candle.low),
    v: volumeOf(deps, target.stock, candle, now),
    t: candle.start,
  }))
  const outsideRth = param(query, 'outsideRth')?.toLowerCase() === 'true'
  return {
    status: 200,
    body: {
      serverId: String(20_000 + (hashSeed('ibkr history', conid, period, bar) % 10_000)),
      symbol,
      text: target.stock.listing.companyName,
      priceFactor: PRICE_FACTOR,
      startTime: gatewayTime(data[0]?.t ?? now),
      ...extremes(data),
      timePeriod: period,
      barLength: barMs / 1000,
      mdAvailability: 'S',
      mktDataDelay: 0,
      outsideRth,
      volumeFactor: 1,
      priceDisplayRule: 1,
      priceDisplayValue: '2',
      negativeCapable: false,
      messageVersion: 2,
      data,
      points: data.length,
      travelTime: 12,
    },
  }
}

/** The bar's share of a session's volume so far, moved by seeded noise. */
function volumeOf(deps: HistoryDeps, stock: IbkrStock, candle: Candle, now: number): number {
  const { symbol, dailyVolume } = stock.listing
  const stream = hashSeed(deps.seed, 'ibkr history volume', symbol)
  const share = (Math.min(candle.end, now) - candle.start) / SESSION_MS
  return Math.round(dailyVolume * Math.min(1, share) * (0.7 + 0.6 * noiseAt(stream, candle.start)))
}

type Bar = { h: number; l: number; v: number; t: number }

/** `high` and `low` as `%price×priceFactor/%volume÷100/%minutes from the first bar`. */
function extremes(data: readonly Bar[]): { high: string; low: string } {
  const first = data[0]
  if (first === undefined) return { high: '', low: '' }
  let high = first
  let low = first
  for (const bar of data) {
    if (bar.h > high.h) high = bar
    if (bar.l < low.l) low = bar
  }
  const summary = (price: number, bar: Bar) =>
    `${Math.round(price * PRICE_FACTOR)}/${cents(bar.v / SUMMARY_VOLUME_FACTOR)}/${Math.round((bar.t - first.t) / 60_000)}`
  return { high: summary(high.h, high), low: summary(low.l, low) }
}
