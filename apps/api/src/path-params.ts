import { type Exchange, exchangesFor, type SymbolRole } from '@marketcache/shared/exchanges'
import { Type } from '@sinclair/typebox'

/**
 * Path parameter schemas of the market-data routes. They document; validation is each dataset's
 * `parseParams`, so a 400 names the parameter and the form the exchange accepts.
 */
export function exchangeParam(role: SymbolRole) {
  const accepted = exchangesFor(role)
  return Type.String({
    enum: accepted,
    description: `One of ${accepted.join(', ')} (case-insensitive).`,
  })
}

/** The accepted forms, worded as the 400 from `parseSymbol` words them. */
const FORMS: Record<SymbolRole, Partial<Record<Exchange, string>>> = {
  spot: { bybit: 'a Bybit spot pair such as BTCUSDT', ibkr: 'a US stock ticker such as AAPL' },
  underlying: { bybit: 'a Bybit base coin such as BTC', ibkr: 'a US stock ticker such as AAPL' },
  candles: {
    bybit: 'a Bybit pair such as BTCUSDT',
    ibkr: 'a US stock ticker such as AAPL',
    coingecko: 'a CoinGecko coin id such as bitcoin',
  },
  contract: { ibkr: 'an IBKR contract id (conid) such as 265598' },
}

/** A symbol parameter, described per exchange. */
export function symbolParam(role: SymbolRole, what: string) {
  const forms = Object.entries(FORMS[role]).map(([exchange, form]) => `on ${exchange}, ${form}`)
  return Type.String({ description: `${what}: ${forms.join('; ')} (case-insensitive).` })
}

/** The path params of a market-data route: `:exchange`, then the symbol param `name`. */
export function exchangeSymbolPath(role: SymbolRole, name: string, what: string) {
  return Type.Object({ exchange: exchangeParam(role), [name]: symbolParam(role, what) })
}
