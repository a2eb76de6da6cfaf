import { hashSeed, noiseAt } from '../prng'
import type { CoinListing } from './universe'

/**
 * The languages `/coins/{id}` localizes into (`localization`, and `description` when
 * `localization` is not `false`), as CoinGecko lists them.
 */
export const LOCALES = [
  'en',
  'de',
  'es',
  'fr',
  'it',
  'pl',
  'ro',
  'hu',
  'nl',
  'pt',
  'sv',
  'vi',
  'tr',
  'ru',
  'ja',
  'zh',
  'zh-tw',
  'ko',
  'ar',
  'th',
  'id',
  'cs',
  'da',
  'el',
  'hi',
  'no',
  'sk',
  'uk',
  'he',
  'fi',
  'bg',
  'hr',
  'lt',
  'sl',
] as const

/** Chains CoinGecko describes with a consensus, block time and genesis; the others have none. */
const CHAINS: Readonly<
  Record<string, { hashing: string | null; blockMinutes: number; genesis: string }>
> = {
  bitcoin: { hashing: 'SHA-256', blockMinutes: 10, genesis: '2009-01-03' },
  'bitcoin-cash': { hashing: 'SHA-256', blockMinutes: 10, genesis: '2017-08-01' },
  litecoin: { hashing: 'Scrypt', blockMinutes: 2.5, genesis: '2011-10-07' },
  dogecoin: { hashing: 'Scrypt', blockMinutes: 1, genesis: '2013-12-08' },
  monero: { hashing: 'RandomX', blockMinutes: 2, genesis: '2014-04-18' },
  ethereum: { hashing: 'Ethash', blockMinutes: 0, genesis: '2015-07-30' },
}

/** `.invalid` is reserved (RFC 2606): plausible URLs that can never leak a request. */
const site = (coinId: string, path = '') => `https://${coinId}.marketcache.invalid${path}`

/** Fixed for a coin: the same on every run and seed, like the coin itself. */
const facet = (coin: CoinListing, label: string) =>
  noiseAt(hashSeed('coin profile', label, coin.id), 0)

/**
 * What `/coins/{id}` says about the project rather than its market: every top-level field the
 * official CoinGecko TypeScript SDK types as required besides id, names, image, rank and
 * `market_data`. Native coins, so no platforms; no notices or status updates.
 */
export function coinProfile(coin: CoinListing) {
  const chain = CHAINS[coin.id]
  const votesUp = Number((50 + 45 * facet(coin, 'sentiment')).toFixed(2))
  const marketCap = coin.basePriceUsd * coin.circulatingSupply
  return {
    asset_platform_id: null,
    platforms: {},
    detail_platforms: {},
    block_time_in_minutes: chain?.blockMinutes ?? 0,
    hashing_algorithm: chain?.hashing ?? null,
    categories: [],
    preview_listing: false,
    public_notice: null,
    additional_notices: [],
    links: {
      homepage: [site(coin.id)],
      whitepaper: site(coin.id, '/whitepaper.pdf'),
      blockchain_site: [site(coin.id, '/explorer')],
      official_forum_url: [],
      chat_url: [],
      announcement_url: [],
      snapshot_url: null,
      twitter_screen_name: coin.id,
      facebook_username: '',
      bitcointalk_thread_identifier: null,
      telegram_channel_identifier: '',
      subreddit_url: '',
      repos_url: { github: [], bitbucket: [] },
    },
    country_origin: '',
    genesis_date: chain?.genesis ?? null,
    sentiment_votes_up_percentage: votesUp,
    sentiment_votes_down_percentage: Number((100 - votesUp).toFixed(2)),
    // Followers grow with the square root of the market cap: ~1.3M for bitcoin, hundreds for
    // the smallest generated coins.
    watchlist_portfolio_users: Math.round(
      1_000 * Math.sqrt(marketCap / 1e6) * (0.5 + facet(coin, 'watchlist')),
    ),
    has_supply_breakdown: false,
    status_updates: [],
  }
}

/** `localization`: the coin's name in every locale (CoinGecko keeps most names untranslated). */
export function localizedNames(coin: CoinListing): Record<string, string> {
  return Object.fromEntries(LOCALES.map((locale) => [locale, coin.name]))
}

/** `description`: English only, or every locale (empty but English) when localized. */
export function descriptions(coin: CoinListing, localized: boolean): Record<string, string> {
  const en = `${coin.name} (${coin.symbol.toUpperCase()}) is a coin of the marketcache simulator.`
  if (!localized) return { en }
  return Object.fromEntries(LOCALES.map((locale) => [locale, locale === 'en' ? en : '']))
}
