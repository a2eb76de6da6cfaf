import type { Answer } from '../gate'
import { candleOf } from '../market/candles'
import { param, type Query } from '../query'
import { price } from './amounts'
import { isVsCurrency, type Market, type MarketSnapshot } from './market'

const MINUTE_MS = 60_000
const DAY_MS = 86_400_000

/** The `days` values CoinGecko documents for `/ohlc`. */
const DAYS = ['1', '7', '14', '30', '90', '180', '365', 'max'] as const
/** How far back `days=max` reaches for every coin. */
const HISTORY_START = Date.UTC(2018, 0, 1)

/** CoinGecko's automatic granularity: 30-minute candles up to 2 days, 4-hour to 30, else 4-day. */
function candleMs(days: number): number {
  if (days <= 2) return 30 * MINUTE_MS
  if (days <= 30) return 4 * 60 * MINUTE_MS
  return 4 * DAY_MS
}

/**
 * `GET /coins/{id}/ohlc`: `[[ms_close, open, high, low, close], ...]`, oldest first, from the
 * coin's price path (so it agrees with `/coins/{id}` and with Bybit klines). Only completed
 * candles are listed, aligned to the candle length since the epoch and stamped with their close
 * time; prices are in `vs_currency` at today's rates.
 */
export function ohlcAnswer(
  market: Market,
  snapshot: MarketSnapshot,
  id: string,
  query: Query,
  now: number,
): Answer {
  if (!snapshot.byId.has(id)) return { status: 404, body: { error: 'coin not found' } }
  const currency = param(query, 'vs_currency')?.toLowerCase()
  if (currency === undefined) return badRequest('Missing parameter vs_currency')
  if (!isVsCurrency(currency)) return badRequest('invalid vs_currency')
  const days = param(query, 'days')
  if (days === undefined) return badRequest('Missing parameter days')
  if (!(DAYS as readonly string[]).includes(days)) {
    return badRequest(`invalid days: use one of ${DAYS.join(', ')}`)
  }

  const span = days === 'max' ? (now - HISTORY_START) / DAY_MS : Number(days)
  const length = candleMs(span)
  const rate = snapshot.perUsd[currency]
  const priceAt = (ms: number) => (market.priceAt(id, ms) ?? Number.NaN) * rate
  const rows: number[][] = []
  const lastEnd = Math.floor(now / length) * length
  for (
    let end = lastEnd - Math.floor((span * DAY_MS) / length) * length + length;
    end <= lastEnd;
    end += length
  ) {
    const candle = candleOf(priceAt, market.tickMs, end - length, end, now)
    rows.push([end, price(candle.open), price(candle.high), price(candle.low), price(candle.close)])
  }
  return { status: 200, body: rows }
}

function badRequest(error: string): Answer {
  return { status: 400, body: { error } }
}
