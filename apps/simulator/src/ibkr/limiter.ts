import type { ConditionsState } from '../conditions'
import type { Admission, CallLimiter } from '../gate'
import { QuotaWindow } from '../quota'
import { ibkrError } from './failures'

const PACING_WINDOW_MS = 1_000

/**
 * The Client Portal gateway's global pacing: past `pacingPerSecond` requests in a second the
 * gateway answers HTTP 429. Forced 429s come first, whatever the pacing.
 */
export class IbkrLimiter implements CallLimiter {
  readonly #conditions: ConditionsState
  readonly #pacing: QuotaWindow

  constructor(conditions: ConditionsState) {
    this.#conditions = conditions
    this.#pacing = new QuotaWindow(() => ({
      quotaPerWindow: conditions.current.ibkr.pacingPerSecond,
      quotaWindowMs: PACING_WINDOW_MS,
    }))
  }

  admit(_call: unknown, now: number): Admission {
    const { forced429 } = this.#conditions.current.ibkr
    if (forced429 > 0) {
      this.#conditions.update({ ibkr: { forced429: forced429 - 1 } })
      return { refusal: TOO_MANY }
    }
    return this.#pacing.take(now) > 0 ? { refusal: TOO_MANY } : {}
  }

  reset(): void {
    this.#pacing.reset()
  }
}

const TOO_MANY = ibkrError(429, 'Too Many Requests')
