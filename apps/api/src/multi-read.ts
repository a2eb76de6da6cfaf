import { cacheKey } from '@marketcache/shared/dataset'
import { coin } from '@marketcache/shared/datasets/coin'
import { parseCoinId } from '@marketcache/shared/datasets/coin-id'
import { type Envelope, isNewVersion, type StoredEntry } from '@marketcache/shared/envelope'
import type { JobOrigin } from '@marketcache/shared/jobs'
import { decideRead, lastRefreshError } from '@marketcache/shared/read-decision'
import type { FastifyBaseLogger } from 'fastify'
import { ApiError } from './errors'
import { ReadOutcome } from './read-telemetry'
import type { ApiServices } from './services'

/** The coin dataset's batched fill: one `/coins/markets` request per page of ids. */
const marketsRequests = (ids: readonly string[]) =>
  (coin.batch?.fill(ids.map((id) => ({ id }))) ?? []).map((page) => page.request)

/** At most this many ids per multi-get (after dedup). */
export const MULTI_GET_MAX_IDS = 100

export const ItemStatus = {
  hit: 'HIT',
  stale: 'STALE',
  miss: 'MISS',
  notFound: 'NOT_FOUND',
  pending: 'PENDING',
} as const
export type ItemStatus = (typeof ItemStatus)[keyof typeof ItemStatus]

interface Item {
  id: string
  key: string
  status: ItemStatus
  envelope: Envelope | null
  jobId?: string
  /** Served if the fetch of a missing item does not land in time. */
  fallback?: Envelope | null
  /** What a missing item held when read; a written event for this same version is not a fill. */
  previous?: StoredEntry | null
}

/** `a,b,Bitcoin` → canonical, deduplicated ids; 400 for a bad id or too many. */
export function parseIdList(raw: string): string[] {
  const parts = raw.split(',').map((part) => part.trim())
  const ids = [...new Set(parts.map((part, index) => parseCoinId(part, `ids[${index}]`)))]
  if (ids.length > MULTI_GET_MAX_IDS) {
    throw new ApiError(
      'TOO_MANY_IDS',
      `at most ${MULTI_GET_MAX_IDS} distinct ids per request, got ${ids.length}`,
    )
  }
  return ids
}

/**
 * Many coins in one response. Hits and stale entries are served at once; all missing ids go into
 * ONE batched `/coins/markets` fetch, and the request waits for all of them together (bounded).
 * The body is built by concatenating the stored JSON strings: nothing is parsed.
 */
export async function readCoins(
  services: ApiServices,
  ids: readonly string[],
  options: { waitMs: number; maxStalenessMs?: number; log: FastifyBaseLogger },
): Promise<string> {
  const { keys, policy, reader, enqueuer, telemetry } = services
  const now = Date.now()
  const keyOf = (id: string) => cacheKey(keys, coin, { id })
  const entries = await reader.readMany(ids.map(keyOf))

  const refreshes: Record<'stale' | 'refresh-ahead', string[]> = { stale: [], 'refresh-ahead': [] }
  const items: Item[] = ids.map((id, index) => {
    const decision = decideRead(entries[index] ?? null, now, policy, options.maxStalenessMs)
    const item: Item = { id, key: keyOf(id), status: ItemStatus.pending, envelope: null }
    switch (decision.status) {
      case 'HIT':
      case 'STALE':
        telemetry.count(coin.name, decision.status === 'HIT' ? ReadOutcome.hit : ReadOutcome.stale)
        if (decision.refresh) refreshes[decision.refresh].push(id)
        return { ...item, status: decision.status, envelope: decision.envelope }
      case 'NOT_FOUND':
        telemetry.count(coin.name, ReadOutcome.notFound)
        return { ...item, status: ItemStatus.notFound }
    }
    telemetry.count(coin.name, ReadOutcome.miss)
    return { ...item, fallback: decision.fallback, previous: entries[index] ?? null }
  })

  for (const [origin, refreshIds] of Object.entries(refreshes)) {
    for (const request of marketsRequests(refreshIds)) {
      enqueuer.refreshInBackground(request, origin as JobOrigin, (error) =>
        options.log.warn({ err: error, origin }, 'background refresh not enqueued'),
      )
    }
  }

  const missing = items.filter((item) => item.status === ItemStatus.pending)
  if (missing.length > 0) await fillMissing(services, missing, options)
  return `{"items":[${items.map(renderItem).join(',')}]}`
}

async function fillMissing(
  services: ApiServices,
  missing: Item[],
  options: { waitMs: number; maxStalenessMs?: number },
): Promise<void> {
  const { policy, reader, enqueuer, events } = services
  // Register before enqueueing, re-read after: see WrittenEvents.
  const wait = events.waitForWrites(
    missing.map((item) => item.key),
    options.waitMs,
  )
  try {
    for (const request of marketsRequests(missing.map((item) => item.id))) {
      const jobId = await enqueuer.enqueue(request, 'miss')
      const batch = new Set('ids' in request.data ? request.data.ids : [])
      for (const item of missing) if (batch.has(item.id)) item.jobId = jobId
    }
    const landed = (item: Item, entry: StoredEntry, announced: boolean) =>
      isNewVersion(entry, item.previous ?? null) &&
      (announced || decideRead(entry, Date.now(), policy, options.maxStalenessMs).status !== 'MISS')
    /** Re-reads the open items; returns how many are still open. */
    const settle = async (written: ReadonlySet<string>) => {
      const open = missing.filter((item) => item.status === ItemStatus.pending)
      const entries = await reader.readMany(open.map((item) => item.key))
      open.forEach((item, index) => {
        const entry = entries[index] ?? null
        if (entry && landed(item, entry, written.has(item.key))) resolveItem(item, entry)
        // The same version re-marked by a failed refresh: serve it with its error, if servable.
        else if (entry && item.fallback && !('notFound' in entry)) item.fallback = entry
      })
      return open.filter((item) => item.status === ItemStatus.pending).length
    }

    if ((await settle(new Set())) > 0) await settle(await wait.written)
  } finally {
    wait.cancel()
  }
  for (const item of missing) {
    if (item.status === ItemStatus.pending && item.fallback) {
      item.status = ItemStatus.stale
      item.envelope = item.fallback
      delete item.jobId
    }
  }
}

function resolveItem(item: Item, entry: StoredEntry): void {
  delete item.jobId
  if ('notFound' in entry) {
    item.status = ItemStatus.notFound
    return
  }
  item.status = ItemStatus.miss
  item.envelope = entry
}

function renderItem(item: Item): string {
  const job = item.jobId === undefined ? '' : `,"jobId":${JSON.stringify(item.jobId)}`
  const failure =
    item.status === ItemStatus.stale && item.envelope ? lastRefreshError(item.envelope) : null
  const error = failure === null ? '' : `,"error":${JSON.stringify(failure)}`
  // `data` is the stored JSON string, spliced in as-is.
  return `{"id":${JSON.stringify(item.id)},"status":"${item.status}","data":${item.envelope?.data ?? 'null'}${job}${error}}`
}
