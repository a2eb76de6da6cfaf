/** What a Bybit option symbol says about its contract. */
export interface OptionSymbol {
  underlying: string
  /** ISO 8601; Bybit options expire at 08:00 UTC on the named date. */
  expiry: string
  strike: number
  right: 'call' | 'put'
  /** USDC for the original form without a suffix; otherwise the suffix (`USDT`). */
  settle: string
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']

/** `BTC-27DEC24-60000-C` (USDC-settled) and `BTC-13FEB25-89000-P-USDT` (USDT-settled). */
const OPTION_SYMBOL =
  /^([A-Z0-9]+)-(\d{1,2})([A-Z]{3})(\d{2})-(\d+(?:\.\d+)?)-([CP])(?:-([A-Z0-9]+))?$/

const EXPIRY_HOUR_UTC = 8

/** Parses either option symbol form; null when the symbol is neither or names no real date. */
export function parseOptionSymbol(symbol: string): OptionSymbol | null {
  const match = OPTION_SYMBOL.exec(symbol)
  if (!match) return null
  const [, underlying, day, month, year, strike, right, settle] = match
  const monthIndex = MONTHS.indexOf(month ?? '')
  const date = new Date(
    Date.UTC(2000 + Number(year), monthIndex, Number(day), EXPIRY_HOUR_UTC, 0, 0, 0),
  )
  // Date.UTC rolls 31FEB over into March; a symbol naming no real date is not a contract.
  if (monthIndex < 0 || date.getUTCDate() !== Number(day)) return null
  const strikeValue = Number(strike)
  if (!(strikeValue > 0) || underlying === undefined) return null
  return {
    underlying,
    expiry: date.toISOString(),
    strike: strikeValue,
    right: right === 'C' ? 'call' : 'put',
    settle: settle ?? 'USDC',
  }
}
