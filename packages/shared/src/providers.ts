/** Every upstream marketcache talks to. The simulator speaks all of their wire formats. */
export const Provider = {
  coingecko: 'coingecko',
  bybit: 'bybit',
  ibkr: 'ibkr',
} as const
export type ProviderName = (typeof Provider)[keyof typeof Provider]

/**
 * Each provider queue's default limiter: at most `max` jobs per `durationMs`, shared by every
 * worker replica (`<PROVIDER>_RATE_MAX`, `<PROVIDER>_RATE_DURATION_MS`). The worker runs its
 * queues at this rate; the API sizes each queue's miss backlog by it.
 */
export const PROVIDER_RATE_DEFAULTS = {
  /** CoinGecko's demo plan: older docs and third parties say 30 calls/min, newer docs 100. */
  coingecko: { max: 30, durationMs: 60_000 },
  /** Public market endpoints allow 600 requests per 5 s per IP; stay well inside it. */
  bybit: { max: 20, durationMs: 1_000 },
  /** The Client Portal gateway paces at 10 requests per second. */
  ibkr: { max: 10, durationMs: 1_000 },
} as const satisfies Record<ProviderName, { max: number; durationMs: number }>
