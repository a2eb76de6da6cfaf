import { PricePath } from '../market/price-path'
import { priced, type Quote, TickQuote } from './quote'
import { buildUniverse, type CoinListing, UNIVERSE_SIZE } from './universe'

export { DAY_MS, type Quote } from './quote'

/** Quote currencies the simulator prices in (a subset of CoinGecko's ~60). */
export const VS_CURRENCIES = ['usd', 'eur', 'gbp', 'jpy', 'btc', 'eth'] as const
export type VsCurrency = (typeof VS_CURRENCIES)[number]

export function isVsCurrency(value: string): value is VsCurrency {
  return (VS_CURRENCIES as readonly string[]).includes(value)
}

/** Fixed FX: nothing in the cache depends on fiat rates moving. */
const FIAT_PER_USD = { usd: 1, eur: 0.86, gbp: 0.76, jpy: 155 } as const

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
  readonly #coinsById: readonly CoinListing[]
  // Only the latest tick is kept: callers ask about "now", which moves forward.
  #latest: MarketSnapshot | undefined

  /** `coins`: how many coins the universe lists (see `buildUniverse`). */
  constructor(seed: number, tickMs: number, coins: number = UNIVERSE_SIZE) {
    this.#tickMs = tickMs
    this.#coins = buildUniverse(seed, coins)
    this.#paths = new Map(this.#coins.map((coin) => [coin.id, new PricePath(seed, coin, tickMs)]))
    this.#coinsById = [...this.#coins].sort((a, b) => compareText(a.id, b.id))
  }

  snapshotAt(nowMs: number): MarketSnapshot {
    const tickIndex = Math.floor(nowMs / this.#tickMs)
    if (this.#latest?.tickIndex === tickIndex) return this.#latest
    const startedAt = tickIndex * this.#tickMs
    const ranked = this.#coins
      .map((coin) => priced(coin, this.#path(coin), startedAt))
      .sort((a, b) => b.marketCapUsd - a.marketCapUsd || compareText(a.coin.id, b.coin.id))
      .map((quote, index) => new TickQuote(quote, index + 1))
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

  /** Every listed coin sorted by id (code-unit order), as `/coins/list` and `order=id_asc` list them. */
  get coinsById(): readonly CoinListing[] {
    return this.#coinsById
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
