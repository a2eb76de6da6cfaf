import { amount, changePercent, convert, imageUrl, percent, price, roi } from './amounts'
import type { Market, MarketSnapshot, Quote, VsCurrency } from './market'

/** Windows accepted by `price_change_percentage=1h,24h,7d,...`, in ms. */
export const CHANGE_WINDOWS = {
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '14d': 14 * 86_400_000,
  '30d': 30 * 86_400_000,
  '200d': 200 * 86_400_000,
  '1y': 365 * 86_400_000,
} as const
export type ChangeWindow = keyof typeof CHANGE_WINDOWS

export function isChangeWindow(value: string): value is ChangeWindow {
  return Object.hasOwn(CHANGE_WINDOWS, value)
}

/** One row of `GET /coins/markets`: plain numbers in `vs_currency`, many of them nullable. */
export function marketRow(
  market: Market,
  snapshot: MarketSnapshot,
  quote: Quote,
  currency: VsCurrency,
  windows: readonly ChangeWindow[],
) {
  const { coin } = quote
  const money = (usd: number) => convert(snapshot, usd, currency)
  const row = {
    id: coin.id,
    symbol: coin.symbol,
    name: coin.name,
    image: imageUrl(coin.id, 'large'),
    current_price: price(money(quote.priceUsd)),
    market_cap: amount(money(quote.marketCapUsd)),
    market_cap_rank: quote.rank,
    fully_diluted_valuation: quote.fdvUsd === null ? null : amount(money(quote.fdvUsd)),
    total_volume: amount(money(quote.volumeUsd)),
    high_24h: price(money(quote.high24hUsd)),
    low_24h: price(money(quote.low24hUsd)),
    price_change_24h: price(money(quote.priceUsd - quote.priceUsd24hAgo)),
    price_change_percentage_24h: changePercent(quote.priceUsd, quote.priceUsd24hAgo),
    market_cap_change_24h: amount(money(quote.marketCapUsd - quote.marketCapUsd24hAgo)),
    market_cap_change_percentage_24h: changePercent(quote.marketCapUsd, quote.marketCapUsd24hAgo),
    circulating_supply: coin.circulatingSupply,
    total_supply: coin.totalSupply,
    max_supply: coin.maxSupply,
    ath: price(money(coin.athUsd)),
    ath_change_percentage: changePercent(quote.priceUsd, coin.athUsd),
    ath_date: coin.athDate,
    atl: price(money(coin.atlUsd)),
    atl_change_percentage: changePercent(quote.priceUsd, coin.atlUsd),
    atl_date: coin.atlDate,
    roi: roi(quote.priceUsd, coin.icoPriceUsd),
    last_updated: new Date(snapshot.startedAt).toISOString(),
  }
  if (windows.length === 0) return row
  const changes = Object.fromEntries(
    windows.map((window) => [
      `price_change_percentage_${window}_in_currency`,
      percent(market.changePercent(quote, snapshot, CHANGE_WINDOWS[window])),
    ]),
  )
  return { ...row, ...changes }
}
