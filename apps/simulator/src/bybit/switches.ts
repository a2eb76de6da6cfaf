import { count, flag, type Rules } from '../rules'

/** Bybit's limits and the switches that force its failures; `/__sim/faults` field `bybit`. */
export interface BybitSwitches {
  /** Calls per endpoint per 1 s window before retCode 10006; 0 disables. @defaultValue 20 */
  rateLimitPerSecond: number
  /** The next N Bybit calls answer retCode 10006 whatever the limit. @defaultValue 0 */
  forcedRateLimit: number
  /** Leave `X-Bapi-Limit-Reset-Timestamp` out, as Bybit sometimes does. @defaultValue false */
  omitResetHeader: boolean
  /** Calls per 5 s window from one IP before the 403 ban; 0 disables. @defaultValue 600 */
  ipLimitPer5s: number
  /** How long an IP ban lasts. @defaultValue 600_000 (Bybit: "wait at least 10 minutes") */
  banMs: number
  /** The next Bybit call starts an IP ban (and answers 403). @defaultValue false */
  forceBan: boolean
}

export const DEFAULT_BYBIT_SWITCHES: Readonly<BybitSwitches> = Object.freeze({
  rateLimitPerSecond: 20,
  forcedRateLimit: 0,
  omitResetHeader: false,
  ipLimitPer5s: 600,
  banMs: 600_000,
  forceBan: false,
})

export const BYBIT_SWITCH_RULES: Rules<BybitSwitches> = {
  rateLimitPerSecond: count,
  forcedRateLimit: count,
  omitResetHeader: flag,
  ipLimitPer5s: count,
  banMs: count,
  forceBan: flag,
}
