import { cacheKey } from '@marketcache/shared/dataset'
import { coin } from '@marketcache/shared/datasets/coin'
import { parseCoinId } from '@marketcache/shared/datasets/coin-id'
import type { Envelope, StoredEntry } from '@marketcache/shared/envelope'
import type { JobOrigin } from '@marketcache/shared/jobs'
import { decideRead, lastRefreshError } from '@marketcache/shared/read-decision'
import type { FastifyBaseLogger } from 'fastify'
import { ApiError } from './errors'
import { type FillOutcome, fillAndWait, seenAfter } from './fill-wait'
import { ReadOutcome } from './read-telemetry'
import type { ApiServices } from './services'

/** The coin dataset's batched fill: one `/coins/markets` request per page of ids. */
const coinPages = (ids: readonly string[]) => coin.batch?.fill(ids.map((id) => ({ id }))) ?? []

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
  fallback: Envelope | null
  /** What a missing item held when read; a written event for this same version is not a fill. */
  previous: StoredEntry | null
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
  options: {
    waitMs: number
    maxStalenessMs?: number
    log: FastifyBaseLogger
    /** Spends the costly budget once some ids are missing; throws (RATE_LIMITED) to refuse. */
    admitMisses: () => Promise<void>
  },
): Promise<string> {
  const { keys, policy, reader, enqueuer, telemetry } = services
  const now = Date.now()
  const keyOf = (id: string) => cacheKey(keys, coin, { id })
  const keyList = ids.map(keyOf)
  const entries = await reader.readMany(keyList)
  for (const key of keyList) telemetry.readKey(coin.name, key)

  const refreshes: Record<'stale' | 'refresh-ahead', { id: string; entry: StoredEntry | null }[]> =
    {
      stale: [],
      'refresh-ahead': [],
    }
  const items: Item[] = ids.map((id, index) => {
    const decision = decideRead(entries[index] ?? null, now, policy, options.maxStalenessMs)
    const item: Item = {
      id,
      key: keyOf(id),
      status: ItemStatus.pending,
      envelope: null,
      fallback: null,
      previous: null,
    }
    switch (decision.status) {
      case 'HIT':
      case 'STALE':
        telemetry.count(coin.name, decision.status === 'HIT' ? ReadOutcome.hit : ReadOutcome.stale)
        if (decision.refresh)
          refreshes[decision.refresh].push({ id, entry: entries[index] ?? null })
        return { ...item, status: decision.status, envelope: decision.envelope }
      case 'NOT_FOUND':
        telemetry.count(coin.name, ReadOutcome.notFound)
        return { ...item, status: ItemStatus.notFound }
    }
    telemetry.count(coin.name, ReadOutcome.miss)
    return { ...item, fallback: decision.fallback, previous: entries[index] ?? null }
  })

  const missing = await listedOrSettled(
    services,
    items.filter((item) => item.status === ItemStatus.pending),
  )
  // Refused, the request enqueues nothing: not the fill, nor the background refreshes.
  if (missing.length > 0) await options.admitMisses()
  for (const [origin, refreshIds] of Object.entries(refreshes)) {
    const seenAt = seenAfter(refreshIds.map(({ entry }) => entry))
    for (const { request } of coinPages(refreshIds.map(({ id }) => id))) {
      enqueuer.refreshInBackground(request, origin as JobOrigin, seenAt, (error) =>
        options.log.warn({ err: error, origin }, 'background refresh not enqueued'),
      )
    }
  }

  if (missing.length > 0) await fillMissing(services, missing, options)
  for (const { envelope } of items) if (envelope) telemetry.served(coin.name, envelope)
  return `{"items":[${items.map(renderItem).join(',')}]}`
}

/**
 * The missing items CoinGecko's cached id list may contain; the others cost no call and are
 * settled here: their old copy if servable, else NOT_FOUND.
 */
async function listedOrSettled(services: ApiServices, missing: Item[]): Promise<Item[]> {
  const listed = await Promise.all(
    missing.map((item) => services.catalogs.mayList(coin, { id: item.id })),
  )
  return missing.filter((item, index) => {
    if (listed[index]) return true
    Object.assign(
      item,
      item.fallback
        ? { status: ItemStatus.stale, envelope: item.fallback }
        : { status: ItemStatus.notFound, envelope: null },
    )
    return false
  })
}

/** The missing items through the one read engine: one `/coins/markets` job per 250 ids. */
async function fillMissing(
  services: ApiServices,
  missing: Item[],
  options: { waitMs: number; maxStalenessMs?: number },
): Promise<void> {
  const jobs = coinPages(missing.map((item) => item.id)).map(({ request, params }) => ({
    request,
    keys: params.map((page) => cacheKey(services.keys, coin, page)),
  }))
  const targets = missing.map(({ key, previous, fallback }) => ({ key, previous, fallback }))
  const { waitMs, maxStalenessMs } = options
  const outcomes = await fillAndWait(services, targets, jobs, {
    origin: 'miss',
    waitMs,
    maxStalenessMs,
  })
  missing.forEach((item, index) => {
    const outcome = outcomes[index]
    if (outcome) Object.assign(item, settledItem(outcome))
  })
}

function settledItem(outcome: FillOutcome): Pick<Item, 'status' | 'envelope' | 'jobId'> {
  switch (outcome.status) {
    case 'filled':
      return 'notFound' in outcome.entry
        ? { status: ItemStatus.notFound, envelope: null }
        : { status: ItemStatus.miss, envelope: outcome.entry }
    case 'stale':
      return { status: ItemStatus.stale, envelope: outcome.envelope }
    case 'pending':
      return { status: ItemStatus.pending, envelope: null, jobId: outcome.jobId }
    case 'overloaded':
      // A refused miss with nothing to serve: the whole answer is 503, as for a single read.
      throw outcome.error
  }
}

function renderItem(item: Item): string {
  const job = item.jobId === undefined ? '' : `,"jobId":${JSON.stringify(item.jobId)}`
  const failure =
    item.status === ItemStatus.stale && item.envelope ? lastRefreshError(item.envelope) : null
  const error = failure === null ? '' : `,"error":${JSON.stringify(failure)}`
  // `data` is the stored JSON string, spliced in as-is.
  return `{"id":${JSON.stringify(item.id)},"status":"${item.status}","data":${item.envelope?.data ?? 'null'}${job}${error}}`
}
