import { InvalidParamError } from './errors'
import { keySegment } from './keys'

/**
 * Where exchange data comes from. `coingecko` serves OHLCV for coins as well as coin data;
 * `ibkr` serves US stocks: spot, option underlyings and candles.
 */
export const Exchange = { bybit: 'bybit', ibkr: 'ibkr', coingecko: 'coingecko' } as const
export type Exchange = (typeof Exchange)[keyof typeof Exchange]

/** What a symbol names, so each exchange can say which form it accepts. */
export type SymbolRole = 'spot' | 'underlying' | 'candles'

interface SymbolRule {
  pattern: RegExp
  /** Shown in the 400 when a symbol does not match: names the accepted form. */
  form: string
  canonical(value: string): string
}

const upper = (value: string) => value.toUpperCase()
const RULES: Record<Exchange, Partial<Record<SymbolRole, SymbolRule>>> = {
  bybit: {
    spot: {
      pattern: /^[A-Z0-9]{2,16}(USDT|USDC|BTC|ETH|EUR)$/,
      form: 'a Bybit spot pair such as BTCUSDT',
      canonical: upper,
    },
    underlying: {
      pattern: /^[A-Z0-9]{2,10}$/,
      form: 'a Bybit base coin such as BTC',
      canonical: upper,
    },
    candles: {
      pattern: /^[A-Z0-9]{2,16}(USDT|USDC|BTC|ETH|EUR|PERP)$/,
      form: 'a Bybit pair such as BTCUSDT',
      canonical: upper,
    },
  },
  ibkr: {
    spot: {
      pattern: /^[A-Z][A-Z0-9.]{0,9}$/,
      form: 'a US stock ticker such as AAPL',
      canonical: upper,
    },
    underlying: {
      pattern: /^[A-Z][A-Z0-9.]{0,9}$/,
      form: 'a US stock ticker such as AAPL',
      canonical: upper,
    },
    candles: {
      pattern: /^[A-Z][A-Z0-9.]{0,9}$/,
      form: 'a US stock ticker such as AAPL',
      canonical: upper,
    },
  },
  coingecko: {
    candles: {
      pattern: /^[a-z0-9._-]{1,64}$/,
      form: 'a CoinGecko coin id such as bitcoin',
      canonical: (v) => v.toLowerCase(),
    },
  },
}

/** The exchanges that serve `role`, for error messages and schemas. */
export function exchangesFor(role: SymbolRole): Exchange[] {
  return (Object.keys(RULES) as Exchange[]).filter(
    (exchange) => RULES[exchange][role] !== undefined,
  )
}

/** Validates an exchange for a role; the 400 lists the ones that serve it. */
export function parseExchange(raw: unknown, role: SymbolRole): Exchange {
  const accepted = exchangesFor(role)
  if (typeof raw !== 'string' || !(accepted as string[]).includes(raw.toLowerCase())) {
    throw new InvalidParamError('exchange', `exchange must be one of ${accepted.join(', ')}`)
  }
  return raw.toLowerCase() as Exchange
}

/** Validates and canonicalises a symbol for an exchange; the 400 names the accepted form. */
export function parseSymbol(
  exchange: Exchange,
  role: SymbolRole,
  raw: unknown,
  param = 'symbol',
): string {
  const rule = RULES[exchange][role]
  if (rule === undefined)
    throw new InvalidParamError('exchange', `${exchange} does not serve ${role} data`)
  if (typeof raw !== 'string') throw new InvalidParamError(param, `${param} is required`)
  const value = rule.canonical(keySegment(param, raw))
  if (!rule.pattern.test(value)) {
    throw new InvalidParamError(param, `${param} "${raw}" is not ${rule.form}`)
  }
  return value
}
