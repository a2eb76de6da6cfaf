import type { PricePath } from '../market/price-path'
import type { CoinListing } from './universe'

export const DAY_MS = 86_400_000

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

interface DayRange {
  readonly priceUsd24hAgo: number
  readonly high24hUsd: number
  readonly low24hUsd: number
}

/**
 * A coin's price at one tick, before it is ranked: what ranking needs (one point of the path)
 * and nothing more, so ranking a large universe every tick stays cheap.
 */
export interface Priced {
  readonly coin: CoinListing
  readonly path: PricePath
  readonly at: number
  readonly priceUsd: number
  readonly marketCapUsd: number
}

export function priced(coin: CoinListing, path: PricePath, at: number): Priced {
  const priceUsd = path.priceAt(at)
  return { coin, path, at, priceUsd, marketCapUsd: priceUsd * coin.circulatingSupply }
}

/**
 * A ranked quote. The 24h figures take 25 more points of the path, so they are computed the first
 * time a row asks for them (and kept for the tick): a tick costs one point per listed coin, and
 * a request only pays for the coins it answers.
 */
export class TickQuote implements Quote {
  readonly coin: CoinListing
  readonly rank: number
  readonly priceUsd: number
  readonly marketCapUsd: number
  readonly #path: PricePath
  readonly #at: number
  #day: DayRange | undefined
  #volumeUsd: number | undefined

  constructor({ coin, path, at, priceUsd, marketCapUsd }: Priced, rank: number) {
    this.coin = coin
    this.rank = rank
    this.priceUsd = priceUsd
    this.marketCapUsd = marketCapUsd
    this.#path = path
    this.#at = at
  }

  get priceUsd24hAgo(): number {
    return this.#dayRange().priceUsd24hAgo
  }

  get high24hUsd(): number {
    return this.#dayRange().high24hUsd
  }

  get low24hUsd(): number {
    return this.#dayRange().low24hUsd
  }

  get marketCapUsd24hAgo(): number {
    return this.priceUsd24hAgo * this.coin.circulatingSupply
  }

  get volumeUsd(): number {
    this.#volumeUsd ??=
      this.marketCapUsd * this.coin.volumeRatio * this.#path.volumeFactorAt(this.#at)
    return this.#volumeUsd
  }

  get fdvUsd(): number | null {
    const fdvSupply = this.coin.maxSupply ?? this.coin.totalSupply
    return fdvSupply === null ? null : this.priceUsd * fdvSupply
  }

  #dayRange(): DayRange {
    if (this.#day) return this.#day
    const at = this.#at
    const priceUsd24hAgo = this.#path.priceAt(at - DAY_MS)
    let high24hUsd = Math.max(this.priceUsd, priceUsd24hAgo)
    let low24hUsd = Math.min(this.priceUsd, priceUsd24hAgo)
    for (let k = 1; k < DAY_SAMPLES; k++) {
      const sample = this.#path.priceAt(at - (k * DAY_MS) / DAY_SAMPLES)
      high24hUsd = Math.max(high24hUsd, sample)
      low24hUsd = Math.min(low24hUsd, sample)
    }
    this.#day = { priceUsd24hAgo, high24hUsd, low24hUsd }
    return this.#day
  }
}
