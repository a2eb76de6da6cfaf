import type { BackoffStrategy } from 'bullmq'

/** The custom backoff type producers put on every job (`backoff: {type: 'provider'}`). */
export const PROVIDER_BACKOFF = 'provider'

export interface BackoffSettings {
  baseMs: number
  maxMs: number
}

/** A provider's own "come back later", carried by some provider errors. */
function retryAfterOf(error: unknown): number {
  const value = (error as { retryAfterMs?: unknown } | undefined)?.retryAfterMs
  return typeof value === 'number' && Number.isFinite(value) ? value : 0
}

/**
 * Exponential backoff with full jitter (uniform in [0, min(max, base·2^(n-1))]), so retries of
 * jobs that failed together spread out, but never shorter than a Retry-After the provider sent.
 * @param random - in [0, 1); injectable so tests are exact.
 */
export function providerBackoff(
  settings: BackoffSettings,
  random: () => number = Math.random,
): BackoffStrategy {
  return (attemptsMade, _type, error) => {
    const ceiling = Math.min(settings.maxMs, settings.baseMs * 2 ** Math.max(0, attemptsMade - 1))
    return Math.max(Math.round(random() * ceiling), retryAfterOf(error))
  }
}
