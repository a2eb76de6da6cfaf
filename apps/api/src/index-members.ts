import type { PushedDataset } from '@marketcache/shared/dataset'
import type { Envelope } from '@marketcache/shared/envelope'
import { decideRead } from '@marketcache/shared/read-decision'
import type { ApiServices } from './services'

/** An entry a pushed dataset's index lists, confirmed by reading it. */
export interface IndexMember {
  key: string
  envelope: Envelope
  /** Servable only as STALE (a soft purge), not HIT. */
  stale: boolean
}

/**
 * The live entries a pushed dataset's index lists under `segment` (e.g. the signals of AAPL),
 * soonest expiry first, at most `limit`: the writer's index (entry keys by expiry) gives the
 * candidates past now, and each one is confirmed by reading its entry through the one reader:
 * still servable (HIT, or STALE after a soft purge) and still of this segment. `segment` must be
 * canonical (the index's own spelling, e.g. upper case); the index key builder validates it.
 */
export async function readIndexMembers(
  services: ApiServices,
  dataset: PushedDataset,
  segment: string,
  limit: number,
): Promise<IndexMember[]> {
  const index = dataset.push.index
  if (!index) return []
  const { keys, reader, policy } = services
  const now = Date.now()
  const candidates = await reader.indexed(
    keys.index(dataset.name, dataset.schemaVersion, index.name, segment),
    now,
    limit,
  )
  const entries = await reader.readMany(candidates)
  const members: IndexMember[] = []
  entries.forEach((entry, i) => {
    const decision = decideRead(entry, now, policy)
    if (decision.status !== 'HIT' && decision.status !== 'STALE') return
    // A value re-pushed under another segment stays in its old index until it expires there.
    if (index.segment(JSON.parse(decision.envelope.data)) !== segment) return
    const key = candidates[i] as string
    members.push({ key, envelope: decision.envelope, stale: decision.status === 'STALE' })
  })
  return members
}
