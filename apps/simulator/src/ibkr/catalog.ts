import { EQUITIES, type EquityListing } from '../market/equities'
import { newYorkClock } from '../market/new-york'
import type { OptionBoard } from '../options/board'
import { MONTH_CODES } from '../options/expiries'
import type { OptionContract } from '../options/quotes'
import { type OptionUnderlying, optionUnderlying } from '../options/underlyings'
import { hashSeed } from '../prng'

/** A stock IBKR lists options on, with its option underlying. */
export interface IbkrStock {
  readonly listing: EquityListing
  readonly underlying: OptionUnderlying
}

export const IBKR_STOCKS: readonly IbkrStock[] = EQUITIES.flatMap((listing) => {
  const underlying = optionUnderlying(listing.symbol)
  return underlying ? [{ listing, underlying }] : []
})

/** `20261218`: the expiry's New York date, IBKR's maturityDate. */
export function maturityDate(at: number): string {
  const { year, month, day } = newYorkClock(at)
  return `${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}`
}

/** `DEC26`: the expiry's month as IBKR's secdef endpoints name it. */
export function monthCode(at: number): string {
  const { year, month } = newYorkClock(at)
  return `${MONTH_CODES[month - 1]}${String(year % 100).padStart(2, '0')}`
}

/**
 * An option's conid: a hash of what the contract is (symbol, maturity, strike, right), so it is
 * the same on every run, for every seed, for the contract's whole life.
 */
export function optionConid(contract: OptionContract): number {
  const { underlying, expiry, strike, right } = contract
  const digest = hashSeed(
    'ibkr option conid',
    underlying.symbol,
    maturityDate(expiry.at),
    strike,
    right,
  )
  return 400_000_000 + (digest % 500_000_000)
}

/** What a conid names right now. */
export type ConidTarget =
  | { readonly kind: 'stock'; readonly stock: IbkrStock }
  | { readonly kind: 'option'; readonly stock: IbkrStock; readonly contract: OptionContract }

/** Looks contracts up by conid, symbol and month over the board's live chains. */
export class IbkrCatalog {
  readonly board: OptionBoard
  #byConid: { tick: number; map: ReadonlyMap<number, ConidTarget> } | undefined

  constructor(board: OptionBoard) {
    this.board = board
  }

  stockBySymbol(symbol: string): IbkrStock | undefined {
    return IBKR_STOCKS.find((stock) => stock.listing.symbol === symbol.toUpperCase())
  }

  stockByConid(conid: string): IbkrStock | undefined {
    return IBKR_STOCKS.find((stock) => String(stock.listing.conid) === conid)
  }

  contracts(stock: IbkrStock, now: number): OptionContract[] {
    return this.board.contracts(stock.underlying, now)
  }

  /** Months with live expiries, nearest first: `JAN25;FEB25;MAR25`'s parts. */
  months(stock: IbkrStock, now: number): string[] {
    const expiries = this.board.chain(stock.underlying, now).expiries
    return [...new Set(expiries.map((expiry) => monthCode(expiry.at)))]
  }

  /** Every live contract of a month (a month with weeklies spans several maturities). */
  inMonth(stock: IbkrStock, month: string, now: number): OptionContract[] {
    return this.contracts(stock, now).filter((contract) => monthCode(contract.expiry.at) === month)
  }

  resolve(conid: number, now: number): ConidTarget | undefined {
    const tick = Math.floor(now / this.board.prices.tickMs)
    if (this.#byConid?.tick !== tick) {
      const map = new Map<number, ConidTarget>()
      for (const stock of IBKR_STOCKS) {
        map.set(stock.listing.conid, { kind: 'stock', stock })
        for (const contract of this.contracts(stock, now)) {
          map.set(optionConid(contract), { kind: 'option', stock, contract })
        }
      }
      this.#byConid = { tick, map }
    }
    return this.#byConid.map.get(conid)
  }
}
