import { callPriority } from '../../call-priority'
import type { FleetPacing } from '../fleet-pacing'

/**
 * Calls are spaced 10 % wider than `duration / max`: the gateway counts arrivals, and a little
 * network jitter must not squeeze an 11th call into its one-second window.
 */
const HEADROOM = 1.1

interface Waiter {
  priority: number
  resolve: () => void
}

/**
 * Spaces this process's calls evenly, at most `max` per `duration` ms. The queue's limiter counts
 * jobs, but one IBKR job makes many calls (qualifying a chain takes dozens), and the gateway
 * answers a burst past its pacing with a 429 and, if repeated, a 10-minute penalty box.
 *
 * When calls have to wait, the most urgent goes first: the one whose job has the lowest BullMQ
 * priority (`call-priority.ts`), in arrival order among equals. So a miss's few calls are not
 * queued behind the hundreds a qualification warm-up has already asked for. With a `fleet`, each
 * call then also takes its slot of a schedule every worker replica shares (`FleetPacing`).
 */
export class CallPacer {
  readonly #intervalMs: number
  readonly #priorityOf: () => number
  readonly #fleet: FleetPacing | undefined
  /** When the last call was let go. */
  #lastAt = Number.NEGATIVE_INFINITY
  /** Waiting calls, most urgent first, arrival order within a priority. */
  readonly #waiting: Waiter[] = []
  #timer: NodeJS.Timeout | null = null

  constructor(
    limit: { max: number; duration: number },
    options: { priorityOf?: () => number; fleet?: FleetPacing } = {},
  ) {
    this.#intervalMs = (limit.duration / limit.max) * HEADROOM
    this.#priorityOf = options.priorityOf ?? callPriority
    this.#fleet = options.fleet
  }

  /**
   * Resolves when the caller may send: its turn among this process's calls (most urgent first),
   * then, with a fleet pacing, its slot among every replica's.
   */
  async turn(): Promise<void> {
    await this.#localTurn()
    await this.#fleet?.wait(this.#intervalMs)
  }

  #localTurn(): Promise<void> {
    const now = Date.now()
    if (this.#waiting.length === 0 && now >= this.#lastAt + this.#intervalMs) {
      this.#lastAt = now
      return Promise.resolve()
    }
    const priority = this.#priorityOf()
    return new Promise((resolve) => {
      // After the last waiter of the same or a more urgent priority.
      let at = this.#waiting.length
      while (at > 0 && (this.#waiting[at - 1] as Waiter).priority > priority) at--
      this.#waiting.splice(at, 0, { priority, resolve })
      this.#schedule()
    })
  }

  /** Calls waiting for their turn. */
  get waiting(): number {
    return this.#waiting.length
  }

  #schedule(): void {
    if (this.#timer !== null || this.#waiting.length === 0) return
    const delay = Math.max(0, this.#lastAt + this.#intervalMs - Date.now())
    this.#timer = setTimeout(() => {
      this.#timer = null
      const next = this.#waiting.shift()
      if (next) {
        this.#lastAt = Date.now()
        next.resolve()
      }
      this.#schedule()
    }, delay)
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
