import type { Answer } from '../gate'
import type { OptionBoard } from '../options/board'
import { AssetClass, type OptionUnderlying, optionUnderlying } from '../options/underlyings'
import { param, type Query } from '../query'
import { ok } from './envelope'
import { klineGrid } from './kline-grid'
import { optionInstrumentsAnswer } from './option-instruments'
import { optionTickersAnswer } from './option-tickers'
import { Category, category, limit, ParamsError, timestamp } from './params'
import type { SpotMarket } from './spot-market'
import type { SpotPair } from './spot-pairs'

/** What the Bybit answers read: the option board and the spot market, at one instant. */
export interface BybitMarkets {
  readonly board: OptionBoard
  readonly spot: SpotMarket
}

const KLINE_DEFAULT_LIMIT = 200
const KLINE_MAX_LIMIT = 1000

/** `GET /v5/market/instruments-info` for `category=option` or `spot`. */
export function instrumentsAnswer(markets: BybitMarkets, query: Query, now: number): Answer {
  if (category(query, [Category.option, Category.spot]) === Category.spot) {
    // Every pair fits one page, but a bad limit is still a params error.
    limit(query, 500, 1000)
    const pairs = spotPairs(markets, query)
    return ok(
      {
        category: 'spot',
        nextPageCursor: '',
        list: pairs.map((p) => markets.spot.instrumentRow(p)),
      },
      now,
    )
  }
  // Bybit lists BTC options when no base coin is named.
  const base = param(query, 'baseCoin') ?? 'BTC'
  return optionInstrumentsAnswer(markets.board, cryptoUnderlying(base), query, now)
}

/** `GET /v5/market/tickers` for `category=option` (by baseCoin or symbol) or `spot`. */
export function tickersAnswer(markets: BybitMarkets, query: Query, now: number): Answer {
  if (category(query, [Category.option, Category.spot]) === Category.spot) {
    const list = spotPairs(markets, query).map((pair) => markets.spot.tickerRow(pair, now))
    return ok({ category: 'spot', list }, now)
  }
  const symbol = param(query, 'symbol')
  const base = symbol === undefined ? param(query, 'baseCoin') : symbol.split('-')[0]
  let underlying: OptionUnderlying | undefined
  if (base !== undefined) {
    const found = optionUnderlying(base)
    if (found?.assetClass !== AssetClass.crypto) {
      throw new ParamsError(
        symbol === undefined ? `baseCoin ${base} invalid` : `symbol ${symbol} invalid`,
      )
    }
    underlying = found
  }
  return optionTickersAnswer(markets.board, underlying, query, now)
}

/**
 * `GET /v5/market/kline`: candles newest first, aligned to the interval, from the newest one
 * at or before `end` (default now; the open candle closes at the current price) back to the
 * one containing `start`, at most `limit` of them. Options have no klines on Bybit.
 */
export function klineAnswer(markets: BybitMarkets, query: Query, now: number): Answer {
  const kind = category(query, [Category.spot, Category.linear])
  const pair = markets.spot.pair(required(query, 'symbol'))
  if (!pair) throw new ParamsError(`symbol ${param(query, 'symbol')} invalid`)
  const interval = required(query, 'interval')
  const grid = klineGrid(interval)
  if (!grid) throw new ParamsError(`interval ${interval} invalid`)
  const count = limit(query, KLINE_DEFAULT_LIMIT, KLINE_MAX_LIMIT)
  const start = timestamp(query, 'start')
  const end = Math.min(timestamp(query, 'end') ?? now, now)
  const first = start === undefined ? Number.NEGATIVE_INFINITY : grid.floor(start)
  const list: string[][] = []
  for (let at = grid.floor(end); list.length < count && at >= first; at = grid.previous(at)) {
    list.push(markets.spot.klineRow(pair, at, grid, now))
  }
  return ok({ category: kind, symbol: pair.symbol, list }, now)
}

function spotPairs(markets: BybitMarkets, query: Query): SpotPair[] {
  const symbol = param(query, 'symbol')
  if (symbol === undefined) return [...markets.spot.pairs]
  const pair = markets.spot.pair(symbol)
  if (!pair) throw new ParamsError(`symbol ${symbol} invalid`)
  return [pair]
}

function cryptoUnderlying(base: string): OptionUnderlying {
  const underlying = optionUnderlying(base)
  if (underlying?.assetClass !== AssetClass.crypto)
    throw new ParamsError(`baseCoin ${base} invalid`)
  return underlying
}

function required(query: Query, name: string): string {
  const value = param(query, name)
  if (value === undefined) throw new ParamsError(`${name} is required`)
  return value
}
