import { createRandom, hashSeed } from './prng'

/** How a malformed 200 body is broken. */
export const MalformedKind = {
  /** Invalid JSON text: the body is cut short mid-document. */
  truncated: 'truncated',
  /** Valid JSON of the wrong shape: fields missing, numbers as non-numeric strings. */
  shape: 'shape',
} as const
export type MalformedKind = (typeof MalformedKind)[keyof typeof MalformedKind]

/** Faults injected into provider routes (never into `/__sim/*`). */
export interface Faults {
  /** 0..1: answer HTTP 500 with a JSON error body. @defaultValue 0 */
  errorRate: number
  /** 0..1: answer HTTP 200 with a malformed body. @defaultValue 0 */
  malformedRate: number
  /** @defaultValue 'truncated' */
  malformedKind: MalformedKind
  /** 0..1: delay the response by `slowMs` on top of the latency. @defaultValue 0 */
  slowRate: number
  /** @defaultValue 3000 */
  slowMs: number
  /** Quota 429s come as a Cloudflare-style HTML page instead of JSON. @defaultValue false */
  html429: boolean
  /** The next N provider calls answer 429 regardless of quota. @defaultValue 0 */
  forced429: number
  /** `Retry-After` (seconds) on forced 429s. @defaultValue 1 */
  forced429RetryAfterS: number
}

export const DEFAULT_FAULTS: Readonly<Faults> = Object.freeze({
  errorRate: 0,
  malformedRate: 0,
  malformedKind: MalformedKind.truncated,
  slowRate: 0,
  // Longer than a typical client timeout, so "slow" exercises the caller's timeout path.
  slowMs: 3000,
  html429: false,
  forced429: 0,
  forced429RetryAfterS: 1,
})

/**
 * Seeded dice for fault rolls. `roll(rate)` is true with probability `rate`; because draws are in
 * [0, 1), a rate of 1 always faults and 0 never does. Rolls replay exactly after `reset()`.
 */
export class FaultDice {
  readonly #seed: number
  #next: () => number

  constructor(seed: number) {
    this.#seed = hashSeed(seed, 'faults')
    this.#next = createRandom(this.#seed)
  }

  roll(rate: number): boolean {
    return this.#next() < rate
  }

  reset(): void {
    this.#next = createRandom(this.#seed)
  }
}
