import { PROVIDER_RATE_DEFAULTS } from '@marketcache/shared/providers'
import { type Static, Type } from '@sinclair/typebox'
import { baseUrlOf, Count, HttpUrl } from '../../env-fields'

/**
 * CoinGecko's env variables, defaults and config. Limits follow the demo plan; the upstream is the
 * local simulator, so `pnpm start` works without keys or network.
 */
const DEFAULTS = {
  COINGECKO_BASE_URL: 'http://127.0.0.1:4010/api/v3',
  /** Decides the key header: `x-cg-demo-api-key` or `x-cg-pro-api-key`. */
  COINGECKO_PLAN: 'demo',
  /** The queue's limiter: see PROVIDER_RATE_DEFAULTS. */
  COINGECKO_RATE_MAX: PROVIDER_RATE_DEFAULTS.coingecko.max,
  COINGECKO_RATE_DURATION_MS: PROVIDER_RATE_DEFAULTS.coingecko.durationMs,
  COINGECKO_TIMEOUT_MS: 10_000,
  COINGECKO_CONCURRENCY: 4,
} as const

export const coingeckoEnv = {
  COINGECKO_BASE_URL: HttpUrl(DEFAULTS.COINGECKO_BASE_URL),
  COINGECKO_API_KEY: Type.Optional(Type.String({ minLength: 1 })),
  COINGECKO_PLAN: Type.Union([Type.Literal('demo'), Type.Literal('pro')], {
    default: DEFAULTS.COINGECKO_PLAN,
  }),
  COINGECKO_RATE_MAX: Count(DEFAULTS.COINGECKO_RATE_MAX),
  COINGECKO_RATE_DURATION_MS: Count(DEFAULTS.COINGECKO_RATE_DURATION_MS),
  COINGECKO_TIMEOUT_MS: Count(DEFAULTS.COINGECKO_TIMEOUT_MS),
  COINGECKO_CONCURRENCY: Count(DEFAULTS.COINGECKO_CONCURRENCY),
}
const CoinGeckoEnv = Type.Object(coingeckoEnv)

/** What one provider queue needs: where the provider is and how hard it may be called. */
export interface CoinGeckoConfig {
  /** @defaultValue `http://127.0.0.1:4010/api/v3` (the simulator) */
  readonly baseUrl: string
  /** Sent as a header; redacted from logs. */
  readonly apiKey?: string
  /** @defaultValue `demo` */
  readonly plan: 'demo' | 'pro'
  /**
   * BullMQ limiter for the queue, shared by every replica: `max` jobs per `duration` ms.
   * @defaultValue 30 per 60 000 ms
   */
  readonly limiter: { readonly max: number; readonly duration: number }
  /** Whole request, connect to last body byte. @defaultValue 10 000 */
  readonly timeoutMs: number
  /** Jobs one replica runs at once on this queue. @defaultValue 4 */
  readonly concurrency: number
}

/** The `coingecko` part of the config, from validated variables. */
export function coingeckoConfigFrom(parsed: Static<typeof CoinGeckoEnv>): CoinGeckoConfig {
  return {
    baseUrl: baseUrlOf(parsed.COINGECKO_BASE_URL),
    ...(parsed.COINGECKO_API_KEY ? { apiKey: parsed.COINGECKO_API_KEY } : {}),
    plan: parsed.COINGECKO_PLAN,
    limiter: { max: parsed.COINGECKO_RATE_MAX, duration: parsed.COINGECKO_RATE_DURATION_MS },
    timeoutMs: parsed.COINGECKO_TIMEOUT_MS,
    concurrency: parsed.COINGECKO_CONCURRENCY,
  }
}
