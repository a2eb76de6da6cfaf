import { decodeMeta, type StoredMeta } from '@marketcache/shared/envelope'
import type { Keys } from '@marketcache/shared/keys'
import { perKey, type RedisClient, scanKeys } from '@marketcache/shared/redis-client'

/** How old a dataset's cached data is, in seconds since each entry was fetched. */
export interface DataAge {
  /** The age of the oldest entry: the largest. */
  oldest: number
  newest: number
  mean: number
  /** Entries the ages are over: at most AGE_SAMPLE_PER_DATASET. */
  entries: number
}

export interface CacheCensus {
  /** Every cache key of the prefix, of any dataset and schema version (retired ones too). */
  total: number
  /** Keys per dataset. */
  keys: ReadonlyMap<string, number>
  /** Data age per dataset that has entries with data (negative entries carry none). */
  ages: ReadonlyMap<string, DataAge>
}

/**
 * Entries per dataset whose `fetchedAt` is read for its data age: the first the scan finds. SCAN
 * walks the hash table in an order unrelated to names or ages, so they are a fair sample, and the
 * stats cost at most this many HMGETs per dataset however large the cache grows (keys are still
 * all counted).
 */
export const AGE_SAMPLE_PER_DATASET = 1000

/** Keys SCAN is asked to look at per call: one round trip per batch, and one for its HMGETs. */
const SCAN_COUNT = 1000

/** Running min, max and sum of one dataset's `fetchedAt`. */
interface FetchedAt {
  min: number
  max: number
  sum: number
  entries: number
}

/**
 * Keys per dataset and data ages in ONE pass: SCAN, never KEYS, since the cache may hold millions
 * of entries and serve reads meanwhile; per batch, one pipeline of HMGETs for the keys sampled.
 * On a cluster each master is scanned, since each holds only its slots' keys.
 */
export async function takeCensus(redis: RedisClient, keys: Keys): Promise<CacheCensus> {
  const counts = new Map<string, number>()
  const fetched = new Map<string, FetchedAt>()
  let total = 0
  // Every master of a cluster in turn; a batch's HMGETs go to the node that listed its keys.
  for await (const { node, keys: found } of scanKeys(redis, keys.cachePattern(), SCAN_COUNT)) {
    const sampled: { key: string; dataset: string }[] = []
    for (const key of found) {
      const dataset = keys.datasetOf(key)
      if (dataset === null) continue
      total += 1
      const count = (counts.get(dataset) ?? 0) + 1
      counts.set(dataset, count)
      if (count <= AGE_SAMPLE_PER_DATASET) sampled.push({ key, dataset })
    }
    await readFetchedAt(node, sampled, fetched)
  }
  return { total, keys: counts, ages: agesAt(Date.now(), fetched) }
}

async function readFetchedAt(
  node: RedisClient,
  sampled: readonly { key: string; dataset: string }[],
  into: Map<string, FetchedAt>,
): Promise<void> {
  // `fetchedAt` and `notFound` are the fields of a hash still in the layout before `meta`.
  const replies = await perKey(node, sampled, (client, { key }) =>
    client.hmget(key, 'meta', 'fetchedAt', 'notFound'),
  )
  replies.forEach(([error, reply], index) => {
    const at = error ? null : fetchedAtOf((reply ?? []) as (string | null)[])
    // Gone since the scan saw it, not an envelope, or a negative entry: no data to age.
    if (at === null) return
    const dataset = sampled[index]!.dataset
    const known = into.get(dataset)
    if (!known) {
      into.set(dataset, { min: at, max: at, sum: at, entries: 1 })
      return
    }
    known.min = Math.min(known.min, at)
    known.max = Math.max(known.max, at)
    known.sum += at
    known.entries += 1
  })
}

function fetchedAtOf([meta = null, fetchedAt = null, notFound = null]: (string | null)[]):
  | number
  | null {
  const stored: StoredMeta | null =
    meta === null
      ? {
          fetchedAt: fetchedAt === null ? undefined : Number(fetchedAt),
          notFound: notFound === '1' || undefined,
        }
      : decodeMeta(meta)
  const at = stored?.fetchedAt
  return stored === null || stored.notFound || at === undefined || !Number.isFinite(at) ? null : at
}

const seconds = (ms: number) => Math.max(0, Math.round(ms)) / 1000

function agesAt(now: number, fetched: ReadonlyMap<string, FetchedAt>): Map<string, DataAge> {
  const ages = new Map<string, DataAge>()
  for (const [dataset, { min, max, sum, entries }] of fetched) {
    ages.set(dataset, {
      oldest: seconds(now - min),
      newest: seconds(now - max),
      mean: seconds(now - sum / entries),
      entries,
    })
  }
  return ages
}
