import { OptionContract } from '@marketcache/shared/datasets/instruments'
import { Candle } from '@marketcache/shared/datasets/ohlcv'
import { OptionQuote } from '@marketcache/shared/datasets/option-chain'
import { SpotValue } from '@marketcache/shared/datasets/spot'
import { valueProblem } from '@marketcache/shared/schema-check'
import type { Static, TSchema } from '@sinclair/typebox'
import { parseOptionSymbol } from './symbols'

export type Contract = Static<typeof OptionContract>
export type Quote = Static<typeof OptionQuote>
export type CandleValue = Static<typeof Candle>
export type Spot = Static<typeof SpotValue>

/** One provider row, mapped and validated against its dataset schema, or why it was refused. */
export type Mapped<T> = { ok: true; value: T } | { ok: false; problem: string }

type Row = Record<string, unknown>

function isRow(value: unknown): value is Row {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Bybit sends every number as a string. `""`, null and a missing field mean "no figure" (null);
 * anything that is not a number goes to validation as sent, so garbage fails it.
 */
export function decimal(value: unknown): unknown {
  if (value === undefined || value === null || value === '') return null
  if (typeof value === 'number') return value
  if (typeof value !== 'string') return value
  const parsed = Number(value)
  return Number.isFinite(parsed) ? parsed : value
}

/** A book side: Bybit shows an empty side as price "0" with size "0"; that is no quote at all. */
function bookPrice(price: unknown, size: unknown): unknown {
  const value = decimal(price)
  const amount = decimal(size)
  return value === 0 && (amount === 0 || amount === null) ? null : value
}

/** One row checked on its own, so a bad row is skipped rather than failing the whole answer. */
function checked<T extends TSchema>(schema: T) {
  return (value: unknown, label: string): Mapped<Static<T>> => {
    const problem = valueProblem(schema, value, label)
    return problem ? { ok: false, problem } : { ok: true, value: value as Static<T> }
  }
}

const checkSpot = checked(SpotValue)
const checkContract = checked(OptionContract)
const checkQuote = checked(OptionQuote)
const checkCandle = checked(Candle)

/** A spot tickers row; `asOf` is the envelope's time (rows carry none). */
export function toSpot(row: unknown, asOf: number): Mapped<Spot> {
  if (!isRow(row) || typeof row.symbol !== 'string') {
    return { ok: false, problem: 'row has no symbol' }
  }
  const change = decimal(row.price24hPcnt)
  return checkSpot(
    {
      exchange: 'bybit',
      symbol: row.symbol,
      price: decimal(row.lastPrice),
      bid: bookPrice(row.bid1Price, row.bid1Size),
      ask: bookPrice(row.ask1Price, row.ask1Size),
      // Bybit sends a fraction (0.0123 = 1.23 %); the dataset holds percent.
      change_24h_pct: typeof change === 'number' ? Number((change * 100).toPrecision(12)) : change,
      high_24h: decimal(row.highPrice24h),
      low_24h: decimal(row.lowPrice24h),
      volume_24h: decimal(row.volume24h),
      as_of: new Date(asOf).toISOString(),
    },
    row.symbol,
  )
}

/**
 * An instruments-info row of `underlying`. Strike and expiry come from the symbol; the row's own
 * `deliveryTime`, `optionsType` and `settleCoin` win where present, since they are the listing.
 */
export function toContract(row: unknown, underlying: string): Mapped<Contract> {
  if (!isRow(row) || typeof row.symbol !== 'string') {
    return { ok: false, problem: 'row has no symbol' }
  }
  const parsed = parseOptionSymbol(row.symbol)
  if (parsed === null) return { ok: false, problem: `${row.symbol}: not an option symbol` }
  if (parsed.underlying !== underlying) {
    return { ok: false, problem: `${row.symbol}: not an option on ${underlying}` }
  }
  const right =
    row.optionsType === 'Call' ? 'call' : row.optionsType === 'Put' ? 'put' : parsed.right
  if (right !== parsed.right) {
    return { ok: false, problem: `${row.symbol}: optionsType ${String(row.optionsType)}` }
  }
  const delivery = decimal(row.deliveryTime)
  const priceFilter = isRow(row.priceFilter) ? row.priceFilter : {}
  return checkContract(
    {
      symbol: row.symbol,
      right,
      strike: parsed.strike,
      expiry:
        typeof delivery === 'number' && delivery > 0
          ? new Date(delivery).toISOString()
          : parsed.expiry,
      settle: typeof row.settleCoin === 'string' && row.settleCoin ? row.settleCoin : parsed.settle,
      multiplier: 1,
      tick_size: decimal(priceFilter.tickSize),
    },
    row.symbol,
  )
}

/** An option tickers row: the quote, plus the prices the chain's underlying price comes from. */
export interface TickerQuote {
  quote: Quote
  underlyingPrice: number | null
  indexPrice: number | null
}

function positive(value: unknown): number | null {
  const parsed = decimal(value)
  return typeof parsed === 'number' && parsed > 0 ? parsed : null
}

/** An option tickers row. IVs are fractions already (0.55 = 55 %), as the dataset wants. */
export function toQuote(row: unknown): Mapped<TickerQuote> {
  if (!isRow(row) || typeof row.symbol !== 'string') {
    return { ok: false, problem: 'row has no symbol' }
  }
  const mapped = checkQuote(
    {
      symbol: row.symbol,
      bid: bookPrice(row.bid1Price, row.bid1Size),
      ask: bookPrice(row.ask1Price, row.ask1Size),
      mark: decimal(row.markPrice),
      iv: decimal(row.markIv),
      delta: decimal(row.delta),
      gamma: decimal(row.gamma),
      vega: decimal(row.vega),
      theta: decimal(row.theta),
      open_interest: decimal(row.openInterest),
      volume: decimal(row.volume24h),
    },
    row.symbol,
  )
  if (!mapped.ok) return mapped
  return {
    ok: true,
    value: {
      quote: mapped.value,
      underlyingPrice: positive(row.underlyingPrice),
      indexPrice: positive(row.indexPrice),
    },
  }
}

/** A kline row: `[startTime, open, high, low, close, volume, turnover]`, all strings. */
export function toCandle(row: unknown): Mapped<CandleValue> {
  if (!Array.isArray(row)) return { ok: false, problem: 'kline row is not a list' }
  const [t, o, h, l, c, v] = row.map(decimal)
  return checkCandle({ t, o, h, l, c, v }, `kline ${String(row[0])}`)
}

/**
 * Every row carries the same index price; without one, the nearest expiry's underlying (forward)
 * price is the closest stand-in for spot.
 */
export function chainUnderlyingPrice(rows: readonly TickerQuote[]): number | null {
  const indexed = rows.find((row) => row.indexPrice !== null)
  if (indexed) return indexed.indexPrice
  let best: { expiry: number; price: number } | null = null
  for (const row of rows) {
    const expiry = Date.parse(parseOptionSymbol(row.quote.symbol)?.expiry ?? '')
    if (row.underlyingPrice !== null && (best === null || expiry < best.expiry)) {
      best = { expiry, price: row.underlyingPrice }
    }
  }
  return best?.price ?? null
}
