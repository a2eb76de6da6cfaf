/** The quota settings a window reads on every call, so run-time changes apply at once. */
export interface QuotaLimits {
  /** Calls allowed per window; 0 disables the quota. */
  readonly quotaPerWindow: number
  readonly quotaWindowMs: number
}

/**
 * A fixed-window call quota, like CoinGecko's per-minute limit (and Bybit's and IBKR's
 * per-second ones). A window opens with the first
 * call after the previous one ended (not on wall-clock minute boundaries), so a test that
 * resets the simulator gets a full window straight away.
 */
export class QuotaWindow {
  readonly #limits: () => QuotaLimits
  #openedAt: number | undefined
  #used = 0

  constructor(limits: () => QuotaLimits) {
    this.#limits = limits
  }

  /** Spends one call. Returns 0 when allowed, else the milliseconds until the window resets. */
  take(now: number): number {
    const { quotaPerWindow, quotaWindowMs } = this.#limits()
    if (quotaPerWindow === 0) return 0
    if (this.#openedAt === undefined || now >= this.#openedAt + quotaWindowMs) {
      this.#openedAt = now
      this.#used = 0
    }
    if (this.#used < quotaPerWindow) {
      this.#used += 1
      return 0
    }
    return this.#openedAt + quotaWindowMs - now
  }

  /** Calls left in the window open at `now`, and when it ends; no open window means a fresh one. */
  status(now: number): { remaining: number; resetsAt: number } {
    const { quotaPerWindow, quotaWindowMs } = this.#limits()
    if (this.#openedAt === undefined || now >= this.#openedAt + quotaWindowMs) {
      return { remaining: quotaPerWindow, resetsAt: now + quotaWindowMs }
    }
    return {
      remaining: Math.max(0, quotaPerWindow - this.#used),
      resetsAt: this.#openedAt + quotaWindowMs,
    }
  }

  reset(): void {
    this.#openedAt = undefined
    this.#used = 0
  }
}
