import { PricePath } from '../market/price-path'
import { buildUniverse, type CoinListing } from './universe'

export const DAY_MS = 86_400_000

/** Quote currencies the simulator prices in (a subset of CoinGecko's ~60). */
export const VS_CURRENCIES = ['usd', 'eur', 'gbp', 'jpy', 'btc', 'eth'] as const
export type VsCurrency = (typeof VS_CURRENCIES)[number]

export function isVsCurrency(value: string): value is VsCurrency {
  return (VS_CURRENCIES as readonly string[]).includes(value)
}

/** Fixed FX: nothing in the cache depends on fiat rates moving. */
const FIAT_PER_USD = { usd: 1, eur: 0.86, gbp: 0.76, jpy: 155 } as const

/** How many prices across the last 24h feed high_24h/low_24h (one per hour, plus both ends). */
const DAY_SAMPLES = 24

/** One coin at one tick, in USD. */
export interface Quote {
  readonly coin: CoinListing
  /** 1-based rank by market cap at this tick. */
  readonly rank: number
  readonly priceUsd: number
  readonly priceUsd24hAgo: number
  readonly high24hUsd: number
  readonly low24hUsd: number
  /** price × circulating supply, as CoinGecko defines it. */
  readonly marketCapUsd: number
  readonly marketCapUsd24hAgo: number
  readonly volumeUsd: number
  /** price × (max supply ?? total supply); null when neither is known. */
  readonly fdvUsd: number | null
}

/** The whole market during one tick; every call in the same tick sees the same snapshot. */
export interface MarketSnapshot {
  readonly tickIndex: number
  /** Start of the tick (ms): CoinGecko's `last_updated`. */
  readonly startedAt: number
  /** Ranked by market cap, largest first. */
  readonly ranked: readonly Quote[]
  readonly byId: ReadonlyMap<string, Quote>
  /** Units of each quote currency per USD. */
  readonly perUsd: Readonly<Record<VsCurrency, number>>
}

/** The simulated CoinGecko market: the universe plus a price path per coin. */
export class Market {
  readonly #tickMs: number
  readonly #paths: ReadonlyMap<string, PricePath>
  readonly #coins: readonly CoinListing[]
  // Only the latest tick is kept: callers ask about "now", which moves forward.
  #latest: MarketSnapshot | undefined

  constructor(seed: number, tickMs: number) {
    this.#tickMs = tickMs
    this.#coins = buildUniverse(seed)
    this.#paths = new Map(this.#coins.map((coin) => [coin.id, new PricePath(seed, coin, tickMs)]))
  }

  snapshotAt(nowMs: number): MarketSnapshot {
    const tickIndex = Math.floor(nowMs / this.#tickMs)
    if (this.#latest?.tickIndex === tickIndex) return this.#latest
    const startedAt = tickIndex * this.#tickMs
    const ranked = this.#coins
      .map((coin) => this.#quote(coin, startedAt))
      .sort((a, b) => b.marketCapUsd - a.marketCapUsd || compareText(a.coin.id, b.coin.id))
      .map((quote, index) => ({ ...quote, rank: index + 1 }))
    const byId = new Map(ranked.map((quote) => [quote.coin.id, quote]))
    const usdPer = (id: string) => byId.get(id)?.priceUsd ?? Number.NaN
    const perUsd = { ...FIAT_PER_USD, btc: 1 / usdPer('bitcoin'), eth: 1 / usdPer('ethereum') }
    this.#latest = { tickIndex, startedAt, ranked, byId, perUsd }
    return this.#latest
  }

  /** Every listed coin, in listing order (what `/coins/list` answers). */
  get coins(): readonly CoinListing[] {
    return this.#coins
  }

  /** How often prices move; candles sample the path at this step. */
  get tickMs(): number {
    return this.#tickMs
  }

  /** A coin's USD price during the tick containing `ms`, or undefined for an unknown id. */
  priceAt(coinId: string, ms: number): number | undefined {
    return this.#paths.get(coinId)?.priceAt(ms)
  }

  /** Percent change of a coin's price from `windowMs` before the snapshot to the snapshot. */
  changePercent(quote: Quote, snapshot: MarketSnapshot, windowMs: number): number {
    const before = this.#path(quote.coin).priceAt(snapshot.startedAt - windowMs)
    return (quote.priceUsd / before - 1) * 100
  }

  #quote(coin: CoinListing, at: number): Quote {
    const path = this.#path(coin)
    const priceUsd = path.priceAt(at)
    const priceUsd24hAgo = path.priceAt(at - DAY_MS)
    let high24hUsd = Math.max(priceUsd, priceUsd24hAgo)
    let low24hUsd = Math.min(priceUsd, priceUsd24hAgo)
    for (let k = 1; k < DAY_SAMPLES; k++) {
      const sample = path.priceAt(at - (k * DAY_MS) / DAY_SAMPLES)
      high24hUsd = Math.max(high24hUsd, sample)
      low24hUsd = Math.min(low24hUsd, sample)
    }
    const marketCapUsd = priceUsd * coin.circulatingSupply
    const fdvSupply = coin.maxSupply ?? coin.totalSupply
    return {
      coin,
      rank: 0,
      priceUsd,
      priceUsd24hAgo,
      high24hUsd,
      low24hUsd,
      marketCapUsd,
      marketCapUsd24hAgo: priceUsd24hAgo * coin.circulatingSupply,
      volumeUsd: marketCapUsd * coin.volumeRatio * path.volumeFactorAt(at),
      fdvUsd: fdvSupply === null ? null : priceUsd * fdvSupply,
    }
  }

  #path(coin: CoinListing): PricePath {
    const path = this.#paths.get(coin.id)
    if (!path) throw new Error(`no price path for ${coin.id}`)
    return path
  }
}

/** Code-unit order, not locale order, so sorting is identical on every machine. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
