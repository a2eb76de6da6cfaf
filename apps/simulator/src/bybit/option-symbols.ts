import { OptionRight } from '../options/black-scholes'
import { type Expiry, ExpiryKind, MONTH_CODES } from '../options/expiries'
import type { OptionContract } from '../options/quotes'

/** What an option settles in; it also decides the symbol's form. */
export const SettleCoin = { usdc: 'USDC', usdt: 'USDT' } as const
export type SettleCoin = (typeof SettleCoin)[keyof typeof SettleCoin]

/**
 * Short-dated expiries settle in USDT (symbols end in `-USDT`), monthlies and quarterlies in
 * USDC (no suffix), so a listing always carries both forms real clients must parse.
 */
export function settleCoinOf(expiry: Expiry): SettleCoin {
  return expiry.kind === ExpiryKind.daily || expiry.kind === ExpiryKind.weekly
    ? SettleCoin.usdt
    : SettleCoin.usdc
}

/** `27DEC24`, or `3JAN25`: like Deribit, Bybit writes the day without a leading zero. */
export function expDate(at: number): string {
  const date = new Date(at)
  const year = String(date.getUTCFullYear() % 100).padStart(2, '0')
  return `${date.getUTCDate()}${MONTH_CODES[date.getUTCMonth()]}${year}`
}

/** `BTC-27DEC24-60000-C` (USDC) or `BTC-13FEB25-89000-P-USDT` (USDT). */
export function optionSymbol(contract: OptionContract): string {
  const { underlying, expiry, strike, right } = contract
  const suffix = settleCoinOf(expiry) === SettleCoin.usdt ? '-USDT' : ''
  return `${underlying.symbol}-${expDate(expiry.at)}-${strike}-${right}${suffix}`
}

/** The UTC calendar date of an `expDate`, accepting `3JAN25` and `03JAN25` alike. */
export function parseExpDate(
  text: string,
): { year: number; month: number; day: number } | undefined {
  const match = /^(\d{1,2})([A-Z]{3})(\d{2})$/.exec(text)
  if (!match) return undefined
  const month = MONTH_CODES.indexOf(match[2] as (typeof MONTH_CODES)[number])
  const day = Number(match[1])
  if (month < 0 || day < 1 || day > 31) return undefined
  return { year: 2000 + Number(match[3]), month, day }
}

export function sameUtcDate(at: number, date: { year: number; month: number; day: number }) {
  const d = new Date(at)
  return (
    d.getUTCFullYear() === date.year &&
    d.getUTCMonth() === date.month &&
    d.getUTCDate() === date.day
  )
}

/** The contract a symbol names among `contracts`, tolerating a zero-padded day. */
export function findContract(
  contracts: readonly OptionContract[],
  symbol: string,
): OptionContract | undefined {
  const match = /^([A-Z]+)-(\w+)-(\d+(?:\.\d+)?)-([CP])(-USDT)?$/.exec(symbol)
  if (!match) return undefined
  const date = parseExpDate(match[2] ?? '')
  if (!date) return undefined
  const strike = Number(match[3])
  const right = match[4] === 'C' ? OptionRight.call : OptionRight.put
  const settle = match[5] ? SettleCoin.usdt : SettleCoin.usdc
  return contracts.find(
    (contract) =>
      contract.underlying.symbol === match[1] &&
      contract.strike === strike &&
      contract.right === right &&
      settleCoinOf(contract.expiry) === settle &&
      sameUtcDate(contract.expiry.at, date),
  )
}
