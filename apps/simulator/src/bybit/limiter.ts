import type { ConditionsState } from '../conditions'
import type { Admission, Answer, CallLimiter, ProviderCall } from '../gate'
import { QuotaWindow } from '../quota'
import { envelope, RetCode } from './envelope'

/** Bybit's IP limit counts calls over 5 s. */
const IP_WINDOW_MS = 5_000
/** Per-endpoint limits are per second. */
const ENDPOINT_WINDOW_MS = 1_000

/**
 * Bybit's two limits. Past the per-IP limit the IP is banned: HTTP 403 "access too frequent"
 * for `banMs`. Past an endpoint's per-second limit the answer is HTTP 200, retCode 10006. Every
 * admitted call carries `X-Bapi-Limit*` headers while the endpoint limit is on.
 */
export class BybitLimiter implements CallLimiter {
  readonly #conditions: ConditionsState
  readonly #ipWindow: QuotaWindow
  readonly #endpointWindows = new Map<string, QuotaWindow>()
  #bannedUntil: number | undefined

  constructor(conditions: ConditionsState) {
    this.#conditions = conditions
    this.#ipWindow = new QuotaWindow(() => ({
      quotaPerWindow: conditions.current.bybit.ipLimitPer5s,
      quotaWindowMs: IP_WINDOW_MS,
    }))
  }

  admit(call: ProviderCall, now: number): Admission {
    const switches = this.#conditions.current.bybit
    if (this.#bannedUntil !== undefined) {
      if (now < this.#bannedUntil) return { refusal: BANNED }
      // Serving the ban out wipes the slate, as waiting out a real ban does.
      this.#bannedUntil = undefined
      this.#ipWindow.reset()
    }
    if (switches.forceBan) {
      this.#conditions.update({ bybit: { forceBan: false } })
      return this.#ban(now)
    }
    if (this.#ipWindow.take(now) > 0) return this.#ban(now)

    const window = this.#endpointWindow(call.endpoint)
    const forced = switches.forcedRateLimit > 0
    if (forced)
      this.#conditions.update({ bybit: { forcedRateLimit: switches.forcedRateLimit - 1 } })
    const limited = forced || window.take(now) > 0
    const headers = this.#limitHeaders(window, now, limited)
    if (!limited) return { headers }
    const refusal = envelope(RetCode.tooManyVisits, 'Too many visits!', {}, now)
    return { refusal: { ...refusal, headers } }
  }

  reset(): void {
    this.#bannedUntil = undefined
    this.#ipWindow.reset()
    this.#endpointWindows.clear()
  }

  #ban(now: number): Admission {
    this.#bannedUntil = now + this.#conditions.current.bybit.banMs
    return { refusal: BANNED }
  }

  #endpointWindow(endpoint: string): QuotaWindow {
    let window = this.#endpointWindows.get(endpoint)
    if (!window) {
      window = new QuotaWindow(() => ({
        quotaPerWindow: this.#conditions.current.bybit.rateLimitPerSecond,
        quotaWindowMs: ENDPOINT_WINDOW_MS,
      }))
      this.#endpointWindows.set(endpoint, window)
    }
    return window
  }

  #limitHeaders(window: QuotaWindow, now: number, limited: boolean): Record<string, string> {
    const { rateLimitPerSecond, omitResetHeader } = this.#conditions.current.bybit
    if (rateLimitPerSecond === 0) return {}
    const { remaining, resetsAt } = window.status(now)
    return {
      'X-Bapi-Limit-Status': String(limited ? 0 : remaining),
      'X-Bapi-Limit': String(rateLimitPerSecond),
      ...(omitResetHeader ? {} : { 'X-Bapi-Limit-Reset-Timestamp': String(resetsAt) }),
    }
  }
}

const BANNED: Answer = {
  status: 403,
  body: 'access too frequent',
  headers: { 'content-type': 'text/plain; charset=utf-8' },
}
