import type { Answer } from '../gate'
import { param, type Query } from '../query'
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
import { coinProfile, descriptions, localizedNames } from './coin-profile'
import { coinTickers } from './coin-tickers'
import { DAY_MS, type Market, type MarketSnapshot, type Quote } from './market'

/** The optional blocks of `/coins/{id}`, each switched by its query flag. */
export interface DetailBlocks {
  /** `localization`: on unless `false`; also localizes `description`. */
  localization: boolean
  /** `tickers`: on unless `false`. */
  tickers: boolean
  /** `market_data`: on unless `false`. */
  marketData: boolean
  /** `sparkline`: off unless `true`; 7 days of hourly prices in `market_data.sparkline_7d`. */
  sparkline: boolean
  /** `include_categories_details`: off unless `true`. */
  categoriesDetails: boolean
}

/**
 * Flags as CoinGecko reads them: the blocks it includes by default are left out only for
 * `false`, the others come only for `true`. `community_data` and `developer_data` are accepted
 * and change nothing: CoinGecko stopped returning those blocks on 28 August 2026 (its SDK marks
 * the flags deprecated, "no longer returned").
 */
export function detailBlocks(query: Query): DetailBlocks {
  const unlessFalse = (name: string) => param(query, name)?.toLowerCase() !== 'false'
  const onlyIfTrue = (name: string) => param(query, name)?.toLowerCase() === 'true'
  return {
    localization: unlessFalse('localization'),
    tickers: unlessFalse('tickers'),
    marketData: unlessFalse('market_data'),
    sparkline: onlyIfTrue('sparkline'),
    categoriesDetails: onlyIfTrue('include_categories_details'),
  }
}

/**
 * The body of `GET /coins/{id}`: every top-level field the official CoinGecko TypeScript SDK
 * types as required, then the optional blocks the flags ask for. Money as currency maps,
 * supplies as plain numbers.
 */
export function coinDetail(
  market: Market,
  snapshot: MarketSnapshot,
  quote: Quote,
  blocks: DetailBlocks,
) {
  const { coin } = quote
  return {
    id: coin.id,
    symbol: coin.symbol,
    name: coin.name,
    web_slug: coin.id,
    ...coinProfile(coin),
    ...(blocks.localization ? { localization: localizedNames(coin) } : {}),
    description: descriptions(coin, blocks.localization),
    image: {
      thumb: imageUrl(coin.id, 'thumb'),
      small: imageUrl(coin.id, 'small'),
      large: imageUrl(coin.id, 'large'),
    },
    ...(blocks.categoriesDetails ? { categories_details: [] } : {}),
    market_cap_rank: quote.rank,
    market_cap_rank_with_rehypothecated: quote.rank,
    ...(blocks.marketData ? { market_data: marketData(market, snapshot, quote, blocks) } : {}),
    last_updated: new Date(snapshot.startedAt).toISOString(),
    ...(blocks.tickers ? { tickers: coinTickers(market, snapshot, quote) } : {}),
  }
}

/** `market_data`: the coin's market at the snapshot, in every quote currency. */
function marketData(market: Market, snapshot: MarketSnapshot, quote: Quote, blocks: DetailBlocks) {
  const { coin } = quote
  const lastUpdated = new Date(snapshot.startedAt).toISOString()
  const map = (usd: number, round = amount) => currencyMap(snapshot, usd, round)
  const change24hUsd = quote.priceUsd - quote.priceUsd24hAgo
  return {
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
    ...(blocks.sparkline ? { sparkline_7d: { price: sparkline(market, snapshot, quote) } } : {}),
  }
}

const HOUR_MS = 3_600_000

/** The last 7 days of hourly prices in USD, oldest first, ending at the snapshot. */
function sparkline(market: Market, snapshot: MarketSnapshot, quote: Quote): number[] {
  return Array.from({ length: 168 }, (_, i) =>
    price(market.priceAt(quote.coin.id, snapshot.startedAt - (167 - i) * HOUR_MS) ?? 0),
  )
}

/** `GET /coins/{id}`: the coin, or CoinGecko's 404 body for an id it does not list. */
export function coinDetailAnswer(
  market: Market,
  snapshot: MarketSnapshot,
  id: string,
  query: Query,
): Answer {
  const quote = snapshot.byId.get(id)
  if (!quote) return { status: 404, body: { error: 'coin not found' } }
  return { status: 200, body: coinDetail(market, snapshot, quote, detailBlocks(query)) }
}
