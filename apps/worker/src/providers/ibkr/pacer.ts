import { setTimeout as sleep } from 'node:timers/promises'

/**
 * Calls are spaced 10 % wider than `duration / max`: the gateway counts arrivals, and a little
 * network jitter must not squeeze an 11th call into its one-second window.
 */
const HEADROOM = 1.1

/**
 * Spaces this process's calls evenly, at most `max` per `duration` ms. The queue's limiter counts
 * jobs, but one IBKR job makes many calls (qualifying a chain takes dozens), and the gateway
 * answers a burst past its pacing with a 429 and, if repeated, a 10-minute penalty box.
 */
export class CallPacer {
  readonly #intervalMs: number
  /** When the next call may start. */
  #nextAt = 0

  constructor(limit: { max: number; duration: number }) {
    this.#intervalMs = (limit.duration / limit.max) * HEADROOM
  }

  /** Resolves when the caller may send; callers are served in arrival order. */
  async turn(): Promise<void> {
    const now = Date.now()
    const at = Math.max(now, this.#nextAt)
    this.#nextAt = at + this.#intervalMs
    if (at > now) await sleep(at - now)
  }
}

/**
 * At most `size` calls in flight at once; the others wait their turn in arrival order. The
 * gateway serves at most five concurrent history requests, whatever the pacing.
 */
export class CallSlots {
  #free: number
  readonly #waiting: (() => void)[] = []

  constructor(size: number) {
    this.#free = size
  }

  async run<T>(call: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--
    else await new Promise<void>((resolve) => this.#waiting.push(resolve))
    try {
      return await call()
    } finally {
      // Hand the slot straight to the next caller, or give it back.
      const next = this.#waiting.shift()
      if (next) next()
      else this.#free++
    }
  }
}
