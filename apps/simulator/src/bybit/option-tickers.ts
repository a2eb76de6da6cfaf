import type { Answer } from '../gate'
import { decimalsOf, fixed } from '../market/ticks'
import type { OptionBoard } from '../options/board'
import type { OptionQuote } from '../options/quotes'
import type { OptionUnderlying } from '../options/underlyings'
import { param, type Query } from '../query'
import { decimal, ok } from './envelope'
import { findContract, optionSymbol, parseExpDate, sameUtcDate } from './option-symbols'
import { ParamsError } from './params'

const NONE = '0'

/**
 * One row of `tickers?category=option`. Prices are USD per coin; IVs are fractions; vega is
 * per vol point and theta per day. A strike nobody bids shows "0" bid, size and IV, as on
 * Bybit. Index and underlying prices are the spot that Bybit's BTCUSDT ticker shows.
 */
export function optionTickerRow(quote: OptionQuote) {
  const { underlying } = quote.contract
  const tick = underlying.tickFor(quote.mark)
  const price = (value: number) => decimal(value, tick)
  const qty = (value: number) => decimal(value, underlying.qtyStep)
  const iv = (value: number | undefined) => (value === undefined ? NONE : value.toFixed(4))
  const totalVolume = quote.volume24h + 2 * quote.openInterest
  return {
    symbol: optionSymbol(quote.contract),
    bid1Price: quote.bid === undefined ? NONE : price(quote.bid),
    bid1Size: quote.bid === undefined ? NONE : qty(quote.bidSize),
    bid1Iv: quote.bid === undefined ? NONE : iv(quote.bidIv),
    ask1Price: price(quote.ask),
    ask1Size: qty(quote.askSize),
    ask1Iv: iv(quote.askIv),
    lastPrice: price(quote.last),
    highPrice24h: price(quote.high24h),
    lowPrice24h: price(quote.low24h),
    markPrice: quote.mark.toFixed(decimalsOf(tick) + 2),
    indexPrice: quote.spot.toFixed(2),
    markIv: quote.markIv.toFixed(4),
    underlyingPrice: quote.forward.toFixed(2),
    openInterest: qty(quote.openInterest),
    turnover24h: (quote.volume24h * quote.spot).toFixed(4),
    volume24h: qty(quote.volume24h),
    totalVolume: qty(totalVolume),
    totalTurnover: (totalVolume * quote.spot).toFixed(0),
    delta: fixed(quote.greeks.delta, 8),
    gamma: fixed(quote.greeks.gamma, 8),
    vega: fixed(quote.greeks.vega, 8),
    theta: fixed(quote.greeks.theta, 8),
    // Bybit shows a predicted price only in the last half hour before delivery.
    predictedDeliveryPrice:
      quote.contract.expiry.at - quote.valuedAt <= 1_800_000 ? quote.spot.toFixed(2) : NONE,
    // Bybit shows no change for a contract that was worth under a tick a day ago.
    change24h: quote.markDayAgo >= tick ? fixed(quote.mark / quote.markDayAgo - 1, 4) : NONE,
  }
}

/**
 * `tickers?category=option`: one contract by `symbol`, or a base coin's chain, optionally one
 * expiry (`expDate=27DEC24`; an expiry with no contracts gives an empty list).
 */
export function optionTickersAnswer(
  board: OptionBoard,
  underlying: OptionUnderlying | undefined,
  query: Query,
  now: number,
): Answer {
  const symbol = param(query, 'symbol')
  if (symbol !== undefined) {
    const base = symbol.split('-')[0] ?? ''
    const contracts = underlying ? board.contracts(underlying, now) : []
    const contract = underlying?.symbol === base ? findContract(contracts, symbol) : undefined
    if (!contract) throw new ParamsError(`symbol ${symbol} invalid`)
    return ok({ category: 'option', list: [optionTickerRow(board.quote(contract, now))] }, now)
  }
  if (!underlying) throw new ParamsError('symbol or baseCoin is required for option')
  const expiry = param(query, 'expDate')
  const date = expiry === undefined ? undefined : parseExpDate(expiry)
  if (expiry !== undefined && !date) throw new ParamsError(`expDate ${expiry} invalid`)
  const quotes = board
    .quotes(underlying, now)
    .filter((quote) => !date || sameUtcDate(quote.contract.expiry.at, date))
  return ok({ category: 'option', list: quotes.map(optionTickerRow) }, now)
}
