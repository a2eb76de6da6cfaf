import { InvalidParamError } from './errors'
import { keySegment } from './keys'

/**
 * Where exchange data comes from. `coingecko` serves OHLCV for coins as well as coin data;
 * `ibkr` serves US stocks: spot, option underlyings and candles.
 */
export const Exchange = { bybit: 'bybit', ibkr: 'ibkr', coingecko: 'coingecko' } as const
export type Exchange = (typeof Exchange)[keyof typeof Exchange]

/**
 * What a symbol names, so each exchange can say which form it accepts: a spot instrument, an
 * option underlying, a candle series, or one contract by the exchange's own id (IBKR's conid).
 */
export type SymbolRole = 'spot' | 'underlying' | 'candles' | 'contract'

interface SymbolRule {
  pattern: RegExp
  /** Shown in the 400 when a symbol does not match: names the accepted form. */
  form: string
  canonical(value: string): string
  /**
   * Words that fit the pattern but are route vocabulary, not instruments (other APIs' paths such
   * as `stock-prices/latest`): a 400, so no key, job or negative entry ever exists for them.
   */
  reserved?: ReadonlySet<string>
}

const upper = (value: string) => value.toUpperCase()

/** A US stock ticker; `LATEST` is six letters no US listing has, and what other APIs route on. */
const US_TICKER: SymbolRule = {
  pattern: /^[A-Z][A-Z0-9.]{0,9}$/,
  form: 'a US stock ticker such as AAPL',
  canonical: upper,
  reserved: new Set(['LATEST']),
}
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
    spot: US_TICKER,
    underlying: US_TICKER,
    candles: US_TICKER,
    contract: {
      pattern: /^[1-9][0-9]{0,11}$/,
      form: 'an IBKR contract id (conid) such as 265598',
      // `0265598` and `265598` are one contract, and one entry.
      canonical: (value) => value.replace(/^0+(?=[0-9])/, ''),
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
  if (rule.reserved?.has(value)) {
    throw new InvalidParamError(
      param,
      `${param} "${raw}" is not ${rule.form} but a word of other APIs' routes; the latest ` +
        `prices of several symbols are GET /v1/spot/${exchange}?symbols=a,b`,
    )
  }
  return value
}
