import { type Envelope, isNewVersion, type StoredEntry } from '@marketcache/shared/envelope'
import type { JobOrigin, JobRequest } from '@marketcache/shared/jobs'
import { decideRead, lastRefreshError } from '@marketcache/shared/read-decision'
import type { ApiServices } from './services'

/** One key a read waits for. */
export interface FillTarget {
  key: string
  /** What the key held when read before enqueuing; a written event for that version is no fill. */
  previous: StoredEntry | null
  /** Served STALE when the fetch does not land in time; without one the read is pending. */
  fallback: Envelope | null
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
  /**
   * Re-read the targets before enqueuing, and enqueue only for those still open. For a caller
   * that spent a round trip since its own read (the costly rate limit): a fill landing in that
   * gap would otherwise be fetched again by a job created after it finished. @defaultValue false
   */
  reread?: boolean
}

/** How the wait ended for one target. */
export type FillOutcome =
  /** A new version landed (a negative entry too). */
  | { status: 'filled'; entry: StoredEntry }
  /** Not in time: the latest copy of the old version, with the error of a failed refresh. */
  | { status: 'stale'; envelope: Envelope; error: string | null }
  /** Not in time and nothing to serve: the job to poll. */
  | { status: 'pending'; jobId: string }

/**
 * THE miss wait, for one key or many: enqueue the jobs, then wait for the keys' written events.
 * The wait is registered BEFORE the enqueue and the keys re-read after it, so a write landing in
 * between is seen by one or the other (with `reread`, also before it: what landed is not enqueued).
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
    const filled: (StoredEntry | undefined)[] = targets.map(() => undefined)
    const fallbacks = targets.map((target) => target.fallback)
    // A written event also follows a failed refresh (lastError marked on the old entry), so an
    // entry counts only when it is a new version; unannounced, it must also be servable.
    const landed = (target: FillTarget, entry: StoredEntry, announced: boolean) =>
      isNewVersion(entry, target.previous) &&
      (announced ||
        options.forced === true ||
        decideRead(entry, Date.now(), policy, options.maxStalenessMs).status !== 'MISS')

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

    if (options.reread) await settle(new Set())
    const open = new Set(targets.flatMap((target, index) => (filled[index] ? [] : [target.key])))
    const jobIds = new Map<string, string>()
    for (const job of jobs) {
      if (!job.keys.some((key) => open.has(key))) continue
      const jobId = await enqueuer.enqueue(job.request, options.origin)
      for (const key of job.keys) jobIds.set(key, jobId)
    }
    if (open.size > 0 && (await settle(new Set())) > 0) await settle(await wait.written)
    return targets.map((target, index) =>
      outcome(filled[index], fallbacks[index] ?? null, jobIds.get(target.key)),
    )
  } finally {
    wait.cancel()
  }
}

function outcome(
  entry: StoredEntry | undefined,
  fallback: Envelope | null,
  jobId: string | undefined,
): FillOutcome {
  if (entry) return { status: 'filled', entry }
  if (fallback) return { status: 'stale', envelope: fallback, error: lastRefreshError(fallback) }
  if (jobId === undefined) throw new Error('a fill target no job fills')
  return { status: 'pending', jobId }
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
