import { createRandom, hashSeed, noiseAt } from '../prng'

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS

/**
 * Waves summed into each coin's log-price, from an hourly wiggle to a half-year trend. Closed
 * form rather than a random walk: a price at any tick (including 24h or 30d ago) is computed
 * directly, without replaying history.
 */
const WAVES = [
  { periodMs: HOUR_MS, weight: 0.04 },
  { periodMs: 6 * HOUR_MS, weight: 0.08 },
  { periodMs: DAY_MS, weight: 0.15 },
  { periodMs: 7 * DAY_MS, weight: 0.3 },
  { periodMs: 30 * DAY_MS, weight: 0.5 },
  { periodMs: 180 * DAY_MS, weight: 0.8 },
] as const

/** Per-tick jitter, so every tick moves the price even where the waves are flat. */
const NOISE_WEIGHT = 0.03

/** The largest |log swing| per unit of volatility; ATH and ATL sit outside it. */
export const MAX_SWING = WAVES.reduce((sum, wave) => sum + wave.weight, NOISE_WEIGHT)

/** What a path needs to know about an asset: a coin, or a stock underlying options. */
export interface PathListing {
  /** Names the path's random streams, so every asset moves on its own. */
  readonly id: string
  readonly basePriceUsd: number
  /** Scale of the log swings: ~0.1 for bitcoin, ~0.04 for an index fund. */
  readonly volatility: number
}

/** One asset's USD price as a pure function of (seed, asset, tick index). */
export class PricePath {
  readonly #coin: PathListing
  readonly #tickMs: number
  readonly #phases: readonly number[]
  readonly #noiseStream: number

  constructor(seed: number, coin: PathListing, tickMs: number) {
    this.#coin = coin
    this.#tickMs = tickMs
    const random = createRandom(hashSeed(seed, 'phases', coin.id))
    this.#phases = WAVES.map(() => random() * 2 * Math.PI)
    this.#noiseStream = hashSeed(seed, 'noise', coin.id)
  }

  /** Price during the tick that contains `ms`. */
  priceAt(ms: number): number {
    const tickIndex = Math.floor(ms / this.#tickMs)
    const tickStart = tickIndex * this.#tickMs
    let swing = NOISE_WEIGHT * (2 * noiseAt(this.#noiseStream, tickIndex) - 1)
    const phases = this.#phases
    for (let i = 0; i < WAVES.length; i++) {
      const wave = WAVES[i] as (typeof WAVES)[number]
      swing += wave.weight * Math.sin((2 * Math.PI * tickStart) / wave.periodMs + (phases[i] ?? 0))
    }
    // exp keeps the price positive and finite whatever the swing.
    return this.#coin.basePriceUsd * Math.exp(this.#coin.volatility * swing)
  }

  /** A per-tick factor in [0.7, 1.3) so volume moves independently of price. */
  volumeFactorAt(ms: number): number {
    return 0.7 + 0.6 * noiseAt(this.#noiseStream ^ 0x5bd1e995, Math.floor(ms / this.#tickMs))
  }
}
