import { PROVIDER_RATE_DEFAULTS } from '@marketcache/shared/providers'
import { type Static, Type } from '@sinclair/typebox'
import { baseUrlOf, Count, HttpUrl, type ProviderHttpConfig } from '../../env-fields'

/** Bybit's env variables and defaults. */
const DEFAULTS = {
  /** The simulator speaks Bybit V5 at its root; production: https://api.bybit.com. */
  BYBIT_BASE_URL: 'http://127.0.0.1:4010',
  /** The queue's limiter: see PROVIDER_RATE_DEFAULTS. */
  BYBIT_RATE_MAX: PROVIDER_RATE_DEFAULTS.bybit.max,
  BYBIT_RATE_DURATION_MS: PROVIDER_RATE_DEFAULTS.bybit.durationMs,
  BYBIT_TIMEOUT_MS: 10_000,
  BYBIT_CONCURRENCY: 4,
  /** After an IP ban (HTTP 403) the whole queue pauses this long; Bybit says "at least 10 min". */
  BYBIT_BAN_PAUSE_MS: 600_000,
} as const

export const bybitEnv = {
  BYBIT_BASE_URL: HttpUrl(DEFAULTS.BYBIT_BASE_URL),
  BYBIT_RATE_MAX: Count(DEFAULTS.BYBIT_RATE_MAX),
  BYBIT_RATE_DURATION_MS: Count(DEFAULTS.BYBIT_RATE_DURATION_MS),
  BYBIT_TIMEOUT_MS: Count(DEFAULTS.BYBIT_TIMEOUT_MS),
  BYBIT_CONCURRENCY: Count(DEFAULTS.BYBIT_CONCURRENCY),
  BYBIT_BAN_PAUSE_MS: Count(DEFAULTS.BYBIT_BAN_PAUSE_MS),
}
const BybitEnv = Type.Object(bybitEnv)

/** @defaultValue the simulator; 20 calls/s; 10 s timeout; concurrency 4 */
export interface BybitConfig extends ProviderHttpConfig {
  /** How long the queue pauses after an IP ban (HTTP 403). @defaultValue 600 000 */
  readonly banPauseMs: number
}

/** The `bybit` part of the config, from validated variables. */
export function bybitConfigFrom(parsed: Static<typeof BybitEnv>): BybitConfig {
  return {
    baseUrl: baseUrlOf(parsed.BYBIT_BASE_URL),
    limiter: { max: parsed.BYBIT_RATE_MAX, duration: parsed.BYBIT_RATE_DURATION_MS },
    timeoutMs: parsed.BYBIT_TIMEOUT_MS,
    concurrency: parsed.BYBIT_CONCURRENCY,
    banPauseMs: parsed.BYBIT_BAN_PAUSE_MS,
  }
}
