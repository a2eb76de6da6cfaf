/** How long an entry is served, and how, after it was fetched. All durations in milliseconds. */
export interface FreshnessPolicy {
  /** Served as HIT for this long. */
  freshMs: number
  /** After `freshMs`, served as STALE (and refreshed) for this long. */
  staleMs: number
  /** After `freshMs`, served as STALE with `X-Cache-Error` for this long if refreshes fail. */
  errorMs: number
  /** How long "the provider says this does not exist" is remembered. */
  negativeMs: number
  /**
   * Pushed datasets only: the TTL of a push that names none (`freshMs` is the longest allowed).
   * @defaultValue freshMs
   */
  defaultFreshMs?: number
}

/** Absolute times written into an envelope. */
export interface FreshnessTimes {
  freshUntil: number
  staleUntil: number
  errorUntil: number
  /** The key's PEXPIREAT: the end of the longest window. */
  expireAt: number
}

/** Fraction of `freshMs` by which freshness is randomly shortened, so co-warmed keys spread out. */
export const FRESHNESS_JITTER = 0.05

/**
 * @param random - in [0, 1); injectable so tests are exact.
 */
export function freshnessTimes(
  policy: FreshnessPolicy,
  now: number,
  random: () => number = Math.random,
): FreshnessTimes {
  const freshUntil = now + Math.round(policy.freshMs * (1 - FRESHNESS_JITTER * random()))
  const staleUntil = freshUntil + policy.staleMs
  const errorUntil = freshUntil + policy.errorMs
  return { freshUntil, staleUntil, errorUntil, expireAt: Math.max(staleUntil, errorUntil) }
}
