import type { Answer } from '../gate'
import { flag, list, type Query } from '../query'
import { amount, changePercent, convert, price } from './amounts'
import { isVsCurrency, type MarketSnapshot, type Quote, type VsCurrency } from './market'

/** The optional fields of `/simple/price`; each appears only when its flag is `true`. */
export interface SimplePriceIncludes {
  readonly marketCap: boolean
  readonly volume24h: boolean
  readonly change24h: boolean
  readonly lastUpdatedAt: boolean
}

/** One coin's entry in `GET /simple/price`, e.g. `{usd, usd_market_cap, ..., last_updated_at}`. */
export function simplePriceEntry(
  snapshot: MarketSnapshot,
  quote: Quote,
  currencies: readonly VsCurrency[],
  include: SimplePriceIncludes,
): Record<string, number> {
  const entry: Record<string, number> = {}
  for (const currency of currencies) {
    entry[currency] = price(convert(snapshot, quote.priceUsd, currency))
    if (include.marketCap) {
      entry[`${currency}_market_cap`] = amount(convert(snapshot, quote.marketCapUsd, currency))
    }
    if (include.volume24h) {
      entry[`${currency}_24h_vol`] = amount(convert(snapshot, quote.volumeUsd, currency))
    }
    if (include.change24h) {
      entry[`${currency}_24h_change`] = changePercent(quote.priceUsd, quote.priceUsd24hAgo)
    }
  }
  if (include.lastUpdatedAt) entry.last_updated_at = Math.floor(snapshot.startedAt / 1000)
  return entry
}

/**
 * `GET /simple/price`: `{<id>: {<currency>: price, ...}}`. Unknown ids and currencies are left
 * out, as CoinGecko does; only a missing list is an error.
 */
export function simplePriceAnswer(snapshot: MarketSnapshot, query: Query): Answer {
  const currencies = list(query, 'vs_currencies').map((currency) => currency.toLowerCase())
  if (currencies.length === 0) return badRequest('Missing parameter vs_currencies')
  const ids = list(query, 'ids')
  if (ids.length === 0) return badRequest('Missing parameter ids')

  const known = currencies.filter(isVsCurrency)
  const include: SimplePriceIncludes = {
    marketCap: flag(query, 'include_market_cap'),
    volume24h: flag(query, 'include_24hr_vol'),
    change24h: flag(query, 'include_24hr_change'),
    lastUpdatedAt: flag(query, 'include_last_updated_at'),
  }
  const body: Record<string, Record<string, number>> = {}
  for (const id of ids) {
    const quote = snapshot.byId.get(id)
    if (quote) body[id] = simplePriceEntry(snapshot, quote, known, include)
  }
  return { status: 200, body }
}

function badRequest(error: string): Answer {
  return { status: 400, body: { error } }
}
