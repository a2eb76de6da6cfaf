import type { ConditionsState } from '../conditions'
import type { Admission, CallLimiter } from '../gate'
import type { QuotaWindow } from '../quota'
import { coingeckoRateLimited } from './failures'

/**
 * CoinGecko's limits: forced 429s first, then the per-minute quota. A 429 carries Retry-After
 * in whole seconds, rounded up (and at least 1) so it never invites an early retry.
 */
export class CoinGeckoLimiter implements CallLimiter {
  readonly #conditions: ConditionsState
  readonly #quota: QuotaWindow

  constructor(conditions: ConditionsState, quota: QuotaWindow) {
    this.#conditions = conditions
    this.#quota = quota
  }

  admit(_call: unknown, now: number): Admission {
    const { forced429RetryAfterS, html429 } = this.#conditions.current
    if (this.#conditions.takeForced429()) {
      return { refusal: coingeckoRateLimited(forced429RetryAfterS, html429) }
    }
    const waitMs = this.#quota.take(now)
    if (waitMs === 0) return {}
    return { refusal: coingeckoRateLimited(Math.max(1, Math.ceil(waitMs / 1000)), html429) }
  }

  reset(): void {
    this.#quota.reset()
  }
}
