import { buildSpotPairs, type SpotPair } from '../bybit/spot-pairs'
import { convert, percent, price } from './amounts'
import type { Market, MarketSnapshot, Quote } from './market'

/** Built once per market: the universe, and so its pairs, never change. */
const pairsByMarket = new WeakMap<Market, ReadonlyMap<string, SpotPair>>()

function pairOf(market: Market, coinId: string): SpotPair | undefined {
  let pairs = pairsByMarket.get(market)
  if (pairs === undefined) {
    pairs = new Map(buildSpotPairs(market.coins).map((pair) => [pair.coinId, pair]))
    pairsByMarket.set(market, pairs)
  }
  return pairs.get(coinId)
}

/**
 * `tickers` of `/coins/{id}`: where the coin trades. Here that is its Bybit spot pair, the same
 * one `/v5/market/instruments-info?category=spot` lists, at the coin's price (USDT counts as
 * $1); coins Bybit does not list have none.
 */
export function coinTickers(market: Market, snapshot: MarketSnapshot, quote: Quote) {
  const pair = pairOf(market, quote.coin.id)
  if (pair === undefined) return []
  const at = new Date(snapshot.startedAt).toISOString()
  const usdVolume = pair.dailyVolumeUsd
  const money = (usd: number) => ({
    btc: price(convert(snapshot, usd, 'btc')),
    eth: price(convert(snapshot, usd, 'eth')),
    usd: price(usd),
  })
  return [
    {
      base: pair.baseCoin,
      target: pair.quoteCoin,
      market: { name: 'Bybit', identifier: 'bybit_spot', has_trading_incentive: false },
      last: price(quote.priceUsd),
      volume: price(usdVolume / quote.priceUsd),
      converted_last: money(quote.priceUsd),
      converted_volume: money(usdVolume),
      trust_score: 'green',
      bid_ask_spread_percentage: percent(Math.max(0.01, (pair.tickSize / quote.priceUsd) * 100)),
      timestamp: at,
      last_traded_at: at,
      last_fetch_at: at,
      is_anomaly: false,
      is_stale: false,
      // `.invalid` (RFC 2606): a link that can never leak a request.
      trade_url: `https://bybit.marketcache.invalid/trade/spot/${pair.baseCoin}/${pair.quoteCoin}`,
      token_info_url: null,
      coin_id: quote.coin.id,
      target_coin_id: 'tether',
    },
  ]
}
