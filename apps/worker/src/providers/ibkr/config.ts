import { PROVIDER_RATE_DEFAULTS } from '@marketcache/shared/providers'
import { type Static, Type } from '@sinclair/typebox'
import { baseUrlOf, Count, HttpUrl, type ProviderHttpConfig } from '../../env-fields'

/** The Client Portal gateway's env variables and defaults. */
const DEFAULTS = {
  /** A Client Portal gateway (https://localhost:5000/v1/api in production). */
  IBKR_BASE_URL: 'http://127.0.0.1:4010/v1/api',
  /** The queue's limiter: see PROVIDER_RATE_DEFAULTS. */
  IBKR_RATE_MAX: PROVIDER_RATE_DEFAULTS.ibkr.max,
  IBKR_RATE_DURATION_MS: PROVIDER_RATE_DEFAULTS.ibkr.durationMs,
  IBKR_TIMEOUT_MS: 10_000,
  /**
   * Jobs in flight per worker process. The pacer, not this, bounds the gateway's load, so it is
   * sized for a miss to start while the warm-ups' long jobs run (its calls then go first).
   */
  IBKR_CONCURRENCY: 16,
  /** After a 429 without Retry-After (pacing / penalty box), send nothing for this long. */
  IBKR_PACING_PAUSE_MS: 1_000,
  /**
   * Accept the gateway's self-signed certificate (the CP gateway serves https://localhost:5000
   * with one). Only for a gateway on a trusted host or network.
   */
  IBKR_TLS_INSECURE: false,
  /** Option months qualified per underlying, nearest first. */
  IBKR_CHAIN_MONTHS: 2,
  /** Strikes qualified per month: the ones nearest to spot. */
  IBKR_CHAIN_STRIKES: 20,
  /** Expiries qualified: within this many days (the chain a dashboard or a collar looks at). */
  IBKR_CHAIN_MAX_DAYS: 45,
} as const

export const ibkrEnv = {
  IBKR_BASE_URL: HttpUrl(DEFAULTS.IBKR_BASE_URL),
  IBKR_RATE_MAX: Count(DEFAULTS.IBKR_RATE_MAX),
  IBKR_RATE_DURATION_MS: Count(DEFAULTS.IBKR_RATE_DURATION_MS),
  IBKR_TIMEOUT_MS: Count(DEFAULTS.IBKR_TIMEOUT_MS),
  IBKR_CONCURRENCY: Count(DEFAULTS.IBKR_CONCURRENCY),
  IBKR_PACING_PAUSE_MS: Count(DEFAULTS.IBKR_PACING_PAUSE_MS),
  IBKR_TLS_INSECURE: Type.Boolean({ default: DEFAULTS.IBKR_TLS_INSECURE }),
  IBKR_CHAIN_MONTHS: Count(DEFAULTS.IBKR_CHAIN_MONTHS),
  IBKR_CHAIN_STRIKES: Count(DEFAULTS.IBKR_CHAIN_STRIKES),
  IBKR_CHAIN_MAX_DAYS: Count(DEFAULTS.IBKR_CHAIN_MAX_DAYS),
}
const IbkrEnv = Type.Object(ibkrEnv)

/**
 * The Client Portal gateway: HTTP settings plus pacing, TLS and how much to qualify.
 * @defaultValue the simulator's Client Portal; 10 calls/s; 10 s timeout; 16 jobs in flight
 */
export interface IbkrConfig extends ProviderHttpConfig {
  /** Pause after a 429 that carries no Retry-After. @defaultValue 1000 */
  readonly pacingPauseMs: number
  /** Accept a self-signed gateway certificate (`IBKR_TLS_INSECURE`). @defaultValue false */
  readonly tlsInsecure: boolean
  /**
   * Contract qualification per underlying.
   * @defaultValue 2 months, 20 strikes nearest spot, expiries within 45 days
   */
  readonly chain: { readonly months: number; readonly strikes: number; readonly maxDays: number }
}

/** The `ibkr` part of the config, from validated variables. */
export function ibkrConfigFrom(parsed: Static<typeof IbkrEnv>): IbkrConfig {
  return {
    baseUrl: baseUrlOf(parsed.IBKR_BASE_URL),
    limiter: { max: parsed.IBKR_RATE_MAX, duration: parsed.IBKR_RATE_DURATION_MS },
    timeoutMs: parsed.IBKR_TIMEOUT_MS,
    concurrency: parsed.IBKR_CONCURRENCY,
    pacingPauseMs: parsed.IBKR_PACING_PAUSE_MS,
    tlsInsecure: parsed.IBKR_TLS_INSECURE,
    chain: {
      months: parsed.IBKR_CHAIN_MONTHS,
      strikes: parsed.IBKR_CHAIN_STRIKES,
      maxDays: parsed.IBKR_CHAIN_MAX_DAYS,
    },
  }
}
