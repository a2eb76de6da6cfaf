import type { Answer } from '../gate'
import {
  amount,
  changePercent,
  currencyMap,
  imageUrl,
  percent,
  price,
  roi,
  sameForEach,
} from './amounts'
import { DAY_MS, type Market, type MarketSnapshot, type Quote } from './market'

/**
 * The body of `GET /coins/{id}` with localization, tickers, community and developer data off:
 * money as currency maps, supplies as plain numbers. Only the fields a cache client plausibly
 * reads are present; real CoinGecko sends many more (links, description, ...).
 */
export function coinDetail(market: Market, snapshot: MarketSnapshot, quote: Quote) {
  const { coin } = quote
  const lastUpdated = new Date(snapshot.startedAt).toISOString()
  const map = (usd: number, round = amount) => currencyMap(snapshot, usd, round)
  const change24hUsd = quote.priceUsd - quote.priceUsd24hAgo
  return {
    id: coin.id,
    symbol: coin.symbol,
    name: coin.name,
    web_slug: coin.id,
    asset_platform_id: null,
    platforms: {},
    categories: [],
    description: { en: '' },
    image: {
      thumb: imageUrl(coin.id, 'thumb'),
      small: imageUrl(coin.id, 'small'),
      large: imageUrl(coin.id, 'large'),
    },
    genesis_date: null,
    market_cap_rank: quote.rank,
    market_data: {
      current_price: map(quote.priceUsd, price),
      roi: roi(quote.priceUsd, coin.icoPriceUsd),
      ath: map(coin.athUsd, price),
      ath_change_percentage: sameForEach(changePercent(quote.priceUsd, coin.athUsd)),
      ath_date: sameForEach(coin.athDate),
      atl: map(coin.atlUsd, price),
      atl_change_percentage: sameForEach(changePercent(quote.priceUsd, coin.atlUsd)),
      atl_date: sameForEach(coin.atlDate),
      market_cap: map(quote.marketCapUsd),
      market_cap_rank: quote.rank,
      // CoinGecko sends an empty map, not null, when it cannot compute an FDV.
      fully_diluted_valuation: quote.fdvUsd === null ? {} : map(quote.fdvUsd),
      total_volume: map(quote.volumeUsd),
      high_24h: map(quote.high24hUsd, price),
      low_24h: map(quote.low24hUsd, price),
      price_change_24h: price(change24hUsd),
      price_change_percentage_24h: changePercent(quote.priceUsd, quote.priceUsd24hAgo),
      price_change_percentage_7d: percent(market.changePercent(quote, snapshot, 7 * DAY_MS)),
      price_change_percentage_30d: percent(market.changePercent(quote, snapshot, 30 * DAY_MS)),
      market_cap_change_24h: amount(quote.marketCapUsd - quote.marketCapUsd24hAgo),
      market_cap_change_percentage_24h: changePercent(quote.marketCapUsd, quote.marketCapUsd24hAgo),
      price_change_24h_in_currency: map(change24hUsd, price),
      price_change_percentage_24h_in_currency: sameForEach(
        changePercent(quote.priceUsd, quote.priceUsd24hAgo),
      ),
      total_supply: coin.totalSupply,
      max_supply: coin.maxSupply,
      max_supply_infinite: coin.maxSupplyInfinite,
      circulating_supply: coin.circulatingSupply,
      last_updated: lastUpdated,
    },
    last_updated: lastUpdated,
  }
}

/** `GET /coins/{id}`: the coin, or CoinGecko's 404 body for an id it does not list. */
export function coinDetailAnswer(market: Market, snapshot: MarketSnapshot, id: string): Answer {
  const quote = snapshot.byId.get(id)
  if (!quote) return { status: 404, body: { error: 'coin not found' } }
  return { status: 200, body: coinDetail(market, snapshot, quote) }
}
