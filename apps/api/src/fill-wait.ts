import { type Envelope, isNewVersion, type StoredEntry } from '@marketcache/shared/envelope'
import type { JobOrigin, JobRequest } from '@marketcache/shared/jobs'
import { decideRead, lastRefreshError } from '@marketcache/shared/read-decision'
import { ApiError } from './errors'
import type { ApiServices } from './services'

/** One key a read waits for. */
export interface FillTarget {
  key: string
  /** What the key held when read before enqueuing; a written event for that version is no fill. */
  previous: StoredEntry | null
  /** Served STALE when the fetch does not land in time; without one the read is pending. */
  fallback: Envelope | null
  /**
   * Replaces the test of whether an entry read after enqueuing is the one waited for (by default:
   * a new version, announced or servable). A push waits for its own `asOf`, or a newer one that
   * its write will never replace.
   */
  landed?: (entry: StoredEntry) => boolean
}

/** One job to enqueue, and the keys it fills (a `/coins/markets` batch fills many). */
export interface FillJob {
  request: JobRequest
  keys: readonly string[]
}

export interface FillOptions {
  origin: JobOrigin
  waitMs: number
  /** The read's `maxStaleness`: a new version read without its written event must be servable. */
  maxStalenessMs?: number
  /**
   * `fresh=true`: any version other than the one read before is the refresh the client asked
   * for, servable or not. @defaultValue false
   */
  forced?: boolean
}

/** How the wait ended for one target. */
export type FillOutcome =
  /** A new version landed (a negative entry too); `jobId`: the job enqueued for it, if any. */
  | { status: 'filled'; entry: StoredEntry; jobId?: string }
  /** Not in time: the latest copy of the old version, with the error of a failed refresh. */
  | { status: 'stale'; envelope: Envelope; error: string | null }
  /** Not in time and nothing to serve: the job to poll. */
  | { status: 'pending'; jobId: string }
  /** The miss was refused (its queue's backlog is full) and nothing is servable: 503 OVERLOADED. */
  | { status: 'overloaded'; error: ApiError }

/**
 * THE miss wait, for one key or many: enqueue the jobs, then wait for the keys' written events.
 * The wait is registered BEFORE the enqueue and the keys re-read after it, so a write landing in
 * between is seen by one or the other.
 * Outcomes come in the order of `targets`.
 */
export async function fillAndWait(
  services: ApiServices,
  targets: readonly FillTarget[],
  jobs: readonly FillJob[],
  options: FillOptions,
): Promise<FillOutcome[]> {
  const { reader, enqueuer, events, policy } = services
  const wait = events.waitForWrites(
    targets.map((target) => target.key),
    options.waitMs,
  )
  try {
    const { jobIds, refused } = await enqueueAll(
      enqueuer,
      jobs,
      options.origin,
      seenAfter(targets.map((target) => target.previous)),
    )
    const filled: (StoredEntry | undefined)[] = targets.map(() => undefined)
    const fallbacks = targets.map((target) => target.fallback)
    // A written event also follows a failed refresh (lastError marked on the old entry), so an
    // entry counts only when it is a new version; unannounced, it must also be servable.
    const landed = (target: FillTarget, entry: StoredEntry, announced: boolean) =>
      target.landed?.(entry) ??
      (isNewVersion(entry, target.previous) &&
        (announced ||
          options.forced === true ||
          decideRead(entry, Date.now(), policy, options.maxStalenessMs).status !== 'MISS'))

    /** Re-reads the open targets; returns how many are still open. */
    const settle = async (written: ReadonlySet<string>) => {
      const open = targets.flatMap((target, index) => (filled[index] ? [] : [{ target, index }]))
      const entries = await reader.readMany(open.map(({ target }) => target.key))
      let stillOpen = 0
      open.forEach(({ target, index }, n) => {
        const entry = entries[n] ?? null
        if (entry && landed(target, entry, written.has(target.key))) {
          filled[index] = entry
          return
        }
        stillOpen++
        // The same version re-marked by a failed refresh: serve that copy, with its error.
        if (
          entry &&
          fallbacks[index] &&
          !('notFound' in entry) &&
          !isNewVersion(entry, target.previous)
        ) {
          fallbacks[index] = entry
        }
      })
      return stillOpen
    }

    // Nothing is coming for a refused key, so only keys with a job in the queue are waited for.
    const waiting = () => targets.some((target, index) => !filled[index] && jobIds.has(target.key))
    if ((await settle(new Set())) > 0 && waiting()) await settle(await wait.written)
    return targets.map((target, index) =>
      outcome(filled[index], fallbacks[index] ?? null, jobIds.get(target.key), refused),
    )
  } finally {
    wait.cancel()
  }
}

/**
 * A read's jobs' `seenAt`: one past the newest version it read (0 when it read none). The worker
 * drops a job whose entries are all newer than that and fresh: a fill another replica asked for
 * landed after this read, however long the caller took to enqueue, even when the read fell
 * between that fill's provider answer and its write. Versions are compared, not clocks, so a
 * late miss never costs a second call.
 */
export function seenAfter(read: readonly (StoredEntry | null | undefined)[]): number {
  let newest = -1
  for (const entry of read) newest = Math.max(newest, entry?.fetchedAt ?? -1)
  return newest + 1
}

/**
 * Enqueues every job; a miss its queue refuses (backlog full) leaves its keys in `refused`, so
 * they are answered from a stale copy or with 503 OVERLOADED, while the other jobs go ahead.
 */
async function enqueueAll(
  enqueuer: ApiServices['enqueuer'],
  jobs: readonly FillJob[],
  origin: JobOrigin,
  seenAt: number,
) {
  const jobIds = new Map<string, string>()
  let refused: ApiError | null = null
  for (const job of jobs) {
    try {
      const jobId = await enqueuer.enqueue(job.request, origin, seenAt)
      for (const key of job.keys) jobIds.set(key, jobId)
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 'OVERLOADED')) throw error
      refused = error
    }
  }
  return { jobIds, refused }
}

function outcome(
  entry: StoredEntry | undefined,
  fallback: Envelope | null,
  jobId: string | undefined,
  refused: ApiError | null,
): FillOutcome {
  if (entry)
    return jobId === undefined ? { status: 'filled', entry } : { status: 'filled', entry, jobId }
  if (fallback) return { status: 'stale', envelope: fallback, error: lastRefreshError(fallback) }
  if (jobId !== undefined) return { status: 'pending', jobId }
  if (refused) return { status: 'overloaded', error: refused }
  throw new Error('a fill target no job fills')
}

/** `fillAndWait` for one key and the one job that fills it. */
export async function fillOneAndWait(
  services: ApiServices,
  target: FillTarget,
  request: JobRequest,
  options: FillOptions,
): Promise<FillOutcome> {
  const jobs = [{ request, keys: [target.key] }]
  const [outcome] = await fillAndWait(services, [target], jobs, options)
  if (!outcome) throw new Error('fillAndWait answered no outcome for its one target')
  return outcome
}
