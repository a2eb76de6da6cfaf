import type { Answer } from '../gate'
import type { OptionBoard } from '../options/board'
import type { OptionContract } from '../options/quotes'
import type { OptionUnderlying } from '../options/underlyings'
import { param, type Query } from '../query'
import { ok } from './envelope'
import { expDate, findContract, optionSymbol, SettleCoin, settleCoinOf } from './option-symbols'
import { limit, ParamsError } from './params'
import { CRYPTO_SYMBOL_TYPE, symbolId } from './symbol-ids'

/** Order limits per base coin, as Bybit lists them. */
const ORDER_LIMITS: Readonly<Record<string, { maxOrderQty: string; maxPrice: string }>> = {
  BTC: { maxOrderQty: '500', maxPrice: '10000000' },
  ETH: { maxOrderQty: '10000', maxPrice: '1000000' },
  SOL: { maxOrderQty: '100000', maxPrice: '100000' },
}

const DEFAULT_LIMIT = 500
const MAX_LIMIT = 1000

/** One row of `instruments-info?category=option`; times are ms strings. */
export function optionInstrumentRow(contract: OptionContract) {
  const { underlying, expiry, strike, right } = contract
  const settleCoin = settleCoinOf(expiry)
  const tick = String(underlying.tickFor(0))
  const limits = ORDER_LIMITS[underlying.symbol] ?? { maxOrderQty: '1000', maxPrice: '1000000' }
  const call = right === 'C'
  const symbol = optionSymbol(contract)
  return {
    symbolId: symbolId(symbol),
    symbol,
    status: 'Trading',
    baseCoin: underlying.symbol,
    quoteCoin: settleCoin === SettleCoin.usdt ? 'USDT' : 'USD',
    settleCoin,
    symbolType: CRYPTO_SYMBOL_TYPE,
    optionsType: call ? 'Call' : 'Put',
    launchTime: String(expiry.listedAt),
    deliveryTime: String(expiry.at),
    deliveryFeeRate: '0.00015',
    priceFilter: { minPrice: tick, maxPrice: limits.maxPrice, tickSize: tick },
    lotSizeFilter: {
      maxOrderQty: limits.maxOrderQty,
      minOrderQty: String(underlying.qtyStep),
      qtyStep: String(underlying.qtyStep),
    },
    displayName: `${underlying.symbol}${settleCoin} ${expDate(expiry.at)} ${strike} ${call ? 'Call' : 'Put'}`,
  }
}

/**
 * `instruments-info?category=option`: one base coin's contracts, paged by an opaque cursor.
 * The cursor names the last contract returned (not an offset), so a page boundary stays put
 * even when an expiry lapses between two page calls.
 */
export function optionInstrumentsAnswer(
  board: OptionBoard,
  underlying: OptionUnderlying,
  query: Query,
  now: number,
): Answer {
  const pageSize = limit(query, DEFAULT_LIMIT, MAX_LIMIT)
  const contracts = board.contracts(underlying, now)
  const symbol = param(query, 'symbol')
  if (symbol !== undefined) {
    const contract = findContract(contracts, symbol)
    if (!contract) throw new ParamsError(`symbol ${symbol} invalid`)
    return ok(page([contract], ''), now)
  }
  const cursor = param(query, 'cursor')
  const after = cursor === undefined ? undefined : decodeCursor(cursor, underlying)
  const rest = after === undefined ? contracts : contracts.filter((c) => compare(c, after) > 0)
  const items = rest.slice(0, pageSize)
  const last = items[items.length - 1]
  const next = rest.length > pageSize && last ? encodeCursor(last) : ''
  return ok(page(items, next), now)
}

function page(contracts: readonly OptionContract[], nextPageCursor: string) {
  return { category: 'option', nextPageCursor, list: contracts.map(optionInstrumentRow) }
}

interface CursorKey {
  readonly at: number
  readonly strike: number
  readonly right: string
}

/** The listing's order: expiry, then strike, then call before put. */
function compare(contract: OptionContract, key: CursorKey): number {
  return (
    contract.expiry.at - key.at ||
    contract.strike - key.strike ||
    (contract.right === key.right ? 0 : contract.right === 'C' ? -1 : 1)
  )
}

function encodeCursor(contract: OptionContract): string {
  const { underlying, expiry, strike, right } = contract
  return Buffer.from(`${underlying.symbol},${expiry.at},${strike},${right}`).toString('base64url')
}

function decodeCursor(cursor: string, underlying: OptionUnderlying): CursorKey {
  const [symbol, at, strike, right] = Buffer.from(cursor, 'base64url').toString('utf8').split(',')
  const key = { at: Number(at), strike: Number(strike), right: right ?? '' }
  const wellFormed =
    symbol === underlying.symbol &&
    Number.isFinite(key.at) &&
    Number.isFinite(key.strike) &&
    (key.right === 'C' || key.right === 'P')
  if (!wellFormed) throw new ParamsError('cursor invalid')
  return key
}
