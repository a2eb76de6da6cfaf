import type { Envelope, StoredEntry } from './envelope'

/** Why a read asks for a refresh; maps onto job priorities. */
export type RefreshReason = 'miss' | 'stale' | 'refresh-ahead'

export type ReadDecision =
  /** Fresh. `refresh` is set once the entry is past the refresh-ahead threshold. */
  | { status: 'HIT'; envelope: Envelope; refresh: 'refresh-ahead' | null }
  /** Past freshUntil but servable. `error` is set when the last refresh failed. */
  | { status: 'STALE'; envelope: Envelope; refresh: 'stale' | null; error: string | null }
  /** The provider said it does not exist. */
  | { status: 'NOT_FOUND' }
  /**
   * Nothing servable: enqueue and wait. `fallback` is an expired entry still inside its error
   * window, served STALE if the refresh fails or does not land within the wait.
   */
  | { status: 'MISS'; refresh: 'miss'; fallback: Envelope | null }

export interface ReadPolicy {
  /** Fraction of the fresh window after which a HIT also enqueues a low-priority refresh. */
  refreshAheadRatio: number
  /** After a failed refresh, how long reads wait before asking for another one. */
  errorRetryMs: number
}

/** @defaultValue refresh ahead at 80 % of the fresh window; retry failed refreshes after 30 s. */
export const DEFAULT_READ_POLICY: ReadPolicy = { refreshAheadRatio: 0.8, errorRetryMs: 30_000 }

/**
 * The read decision table of DESIGN.md, as one pure function.
 * @param maxStalenessMs - the client's `maxStaleness`: older data counts as absent.
 */
export function decideRead(
  entry: StoredEntry | null,
  now: number,
  policy: ReadPolicy = DEFAULT_READ_POLICY,
  maxStalenessMs?: number,
): ReadDecision {
  if (entry === null) return { status: 'MISS', refresh: 'miss', fallback: null }
  if ('notFound' in entry) return { status: 'NOT_FOUND' }
  if (maxStalenessMs !== undefined && now - entry.fetchedAt > maxStalenessMs) {
    return { status: 'MISS', refresh: 'miss', fallback: null }
  }

  if (now < entry.freshUntil) {
    const threshold =
      entry.fetchedAt + policy.refreshAheadRatio * (entry.freshUntil - entry.fetchedAt)
    return { status: 'HIT', envelope: entry, refresh: now >= threshold ? 'refresh-ahead' : null }
  }

  const failedSinceFetch =
    entry.lastError !== undefined && (entry.lastErrorAt ?? 0) >= entry.fetchedAt
  if (failedSinceFetch && now < entry.errorUntil) {
    const retryDue = now - (entry.lastErrorAt ?? 0) >= policy.errorRetryMs
    return {
      status: 'STALE',
      envelope: entry,
      refresh: retryDue ? 'stale' : null,
      error: entry.lastError ?? null,
    }
  }
  if (now < entry.staleUntil) {
    return { status: 'STALE', envelope: entry, refresh: 'stale', error: null }
  }
  return { status: 'MISS', refresh: 'miss', fallback: now < entry.errorUntil ? entry : null }
}

/** Whether an input has moved past `movedBy` (relative) from the value an entry was computed with. */
export function movedBeyond(basis: number, current: number, movedBy: number): boolean {
  return basis > 0 && Math.abs(current - basis) / basis > movedBy
}

/** Why the last refresh of this entry failed, or null if none has failed since it was fetched. */
export function lastRefreshError(envelope: Envelope): string | null {
  return envelope.lastError !== undefined && (envelope.lastErrorAt ?? 0) >= envelope.fetchedAt
    ? envelope.lastError
    : null
}

/** Seconds since the entry was fetched, for the `Age` header. */
export function ageSeconds(envelope: Envelope, now: number): number {
  return Math.max(0, Math.floor((now - envelope.fetchedAt) / 1000))
}

/** `Cache-Control` for a served entry: remaining freshness, then the stale window. */
export function cacheControl(envelope: Envelope, now: number): string {
  const maxAge = Math.max(0, Math.floor((envelope.freshUntil - now) / 1000))
  const swr = Math.max(0, Math.floor((envelope.staleUntil - envelope.freshUntil) / 1000))
  return `public, max-age=${maxAge}, stale-while-revalidate=${swr}`
}
