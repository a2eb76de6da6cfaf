import { type AnyDataset, type BatchFill, cacheKey, isPushed } from '@marketcache/shared/dataset'
import type { Envelope, StoredEntry } from '@marketcache/shared/envelope'
import { InvalidParamError } from '@marketcache/shared/errors'
import type { JobOrigin } from '@marketcache/shared/jobs'
import { decideRead, lastRefreshError } from '@marketcache/shared/read-decision'
import type { FastifyBaseLogger } from 'fastify'
import { ApiError } from './errors'
import { type FillOutcome, fillAndWait, seenAfter } from './fill-wait'
import { ReadOutcome } from './read-telemetry'
import type { ApiServices } from './services'

/** At most this many items per multi-get (after dedup). */
export const MULTI_GET_MAX_IDS = 100

export const ItemStatus = {
  hit: 'HIT',
  stale: 'STALE',
  miss: 'MISS',
  notFound: 'NOT_FOUND',
  pending: 'PENDING',
} as const
export type ItemStatus = (typeof ItemStatus)[keyof typeof ItemStatus]

/** A dataset a multi-get can read: its provider fills many entries with one call. */
export type BatchedDataset = AnyDataset & { batch: BatchFill<object> }

/** `dataset` as a multi-get reads it; a dataset without a batched fill is a wiring bug. */
export function batched(dataset: AnyDataset): BatchedDataset {
  if (isPushed(dataset) || !dataset.batch) {
    throw new Error(`${dataset.name} has no batched fill for a multi-get`)
  }
  return dataset as BatchedDataset
}

/** One entry a multi-get asks for: its name in the response, and its canonical params. */
export interface MultiItem {
  name: string
  params: object
}

/** What one multi-get reads: a dataset, and the items in request order. */
export interface MultiRead {
  dataset: BatchedDataset
  /** What the body calls an item's name: `id` for coins, `symbol` for spot. */
  field: string
  items: readonly MultiItem[]
}

interface Item extends MultiItem {
  key: string
  status: ItemStatus
  envelope: Envelope | null
  jobId?: string
  /** Served if the fetch of a missing item does not land in time. */
  fallback: Envelope | null
  /**
   * What the item held when read: its refreshes' `seenAt`, and for a miss the version whose
   * written event is not a fill.
   */
  previous: StoredEntry | null
}

/**
 * `a,b,c` → canonical names, each checked by `parse` (which names it `param[index]` in a 400),
 * then at most MULTI_GET_MAX_IDS distinct ones. A name given twice (after canonicalisation) is
 * merged into one item, or with `duplicates: 'reject'` a 400 naming both places.
 */
export function parseNameList(
  raw: string,
  param: string,
  parse: (part: string, name: string) => string,
  duplicates: 'merge' | 'reject' = 'merge',
): string[] {
  const names = raw.split(',').map((part, index) => parse(part.trim(), `${param}[${index}]`))
  const distinct = [...new Set(names)]
  if (duplicates === 'reject' && distinct.length < names.length) {
    const again = names.findIndex((name, index) => names.indexOf(name) !== index)
    const first = names.indexOf(names[again] as string)
    throw new InvalidParamError(
      `${param}[${again}]`,
      `${param}[${again}] "${names[again]}" repeats ${param}[${first}]; name each once`,
    )
  }
  if (distinct.length > MULTI_GET_MAX_IDS) {
    throw new ApiError(
      'TOO_MANY_IDS',
      `at most ${MULTI_GET_MAX_IDS} distinct ${param} per request, got ${distinct.length}`,
    )
  }
  return distinct
}

/**
 * THE multi-get: many entries of one dataset in one response. Hits and stale entries are served
 * at once; all missing items go into ONE batched fetch (the dataset's `batch`: one
 * `/coins/markets` call, one Bybit tickers call, one round of IBKR snapshots), and the request
 * waits for all of them together (bounded). The body is built by concatenating the stored JSON
 * strings: nothing is parsed.
 */
export async function readMany(
  services: ApiServices,
  read: MultiRead,
  options: {
    waitMs: number
    maxStalenessMs?: number
    log: FastifyBaseLogger
    /** Spends the costly budget once some ids are missing; throws (RATE_LIMITED) to refuse. */
    admitMisses: () => Promise<void>
  },
): Promise<string> {
  const { dataset } = read
  const { keys, reader, enqueuer, telemetry } = services
  const now = Date.now()
  const keyed = read.items.map((item) => ({ ...item, key: cacheKey(keys, dataset, item.params) }))
  const entries = await reader.readMany(keyed.map(({ key }) => key))
  for (const { key } of keyed) telemetry.readKey(dataset.name, key)

  const refreshes: Record<'stale' | 'refresh-ahead', Item[]> = { stale: [], 'refresh-ahead': [] }
  const items = keyed.map((base, index) => {
    const item = decideItem(services, dataset, base, entries[index] ?? null, now, options)
    if (item.refresh) refreshes[item.refresh].push(item)
    return item
  })

  const missing = await listedOrSettled(
    services,
    dataset,
    items.filter((item) => item.status === ItemStatus.pending),
  )
  // Refused, the request enqueues nothing: not the fill, nor the background refreshes.
  if (missing.length > 0) await options.admitMisses()
  for (const [origin, refreshed] of Object.entries(refreshes)) {
    const seenAt = seenAfter(refreshed.map((item) => item.previous))
    for (const { request } of dataset.batch.fill(refreshed.map((item) => item.params))) {
      enqueuer.refreshInBackground(request, origin as JobOrigin, seenAt, (error) =>
        options.log.warn({ err: error, origin }, 'background refresh not enqueued'),
      )
    }
  }

  if (missing.length > 0) await fillMissing(services, dataset, missing, options)
  for (const { envelope } of items) if (envelope) telemetry.served(dataset.name, envelope)
  return `{"items":[${items.map((item) => renderItem(read.field, item)).join(',')}]}`
}

/** The read decision for one item, counted: served now, NOT_FOUND, or pending a fill. */
function decideItem(
  services: ApiServices,
  dataset: AnyDataset,
  base: MultiItem & { key: string },
  entry: StoredEntry | null,
  now: number,
  options: { maxStalenessMs?: number },
): Item & { refresh?: 'stale' | 'refresh-ahead' } {
  const { telemetry } = services
  const decision = decideRead(entry, now, services.policy, options.maxStalenessMs)
  const item: Item = {
    ...base,
    status: ItemStatus.pending,
    envelope: null,
    fallback: null,
    previous: entry,
  }
  switch (decision.status) {
    case 'HIT':
    case 'STALE':
      telemetry.count(dataset.name, decision.status === 'HIT' ? ReadOutcome.hit : ReadOutcome.stale)
      return {
        ...item,
        status: decision.status,
        envelope: decision.envelope,
        ...(decision.refresh ? { refresh: decision.refresh } : {}),
      }
    case 'NOT_FOUND':
      telemetry.count(dataset.name, ReadOutcome.notFound)
      return { ...item, status: ItemStatus.notFound }
    case 'MISS':
      telemetry.count(dataset.name, ReadOutcome.miss)
      return { ...item, fallback: decision.fallback }
  }
}

/**
 * The missing items the provider's cached catalog may list; the others cost no call and are
 * settled here: their old copy if servable, else NOT_FOUND.
 */
async function listedOrSettled(
  services: ApiServices,
  dataset: AnyDataset,
  missing: Item[],
): Promise<Item[]> {
  const listed = await Promise.all(
    missing.map((item) => services.catalogs.mayList(dataset, item.params)),
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

/** The missing items through the one miss wait: one batched job per provider page. */
async function fillMissing(
  services: ApiServices,
  dataset: BatchedDataset,
  missing: Item[],
  options: { waitMs: number; maxStalenessMs?: number },
): Promise<void> {
  const jobs = dataset.batch.fill(missing.map((item) => item.params)).map((page) => ({
    request: page.request,
    keys: page.params.map((params) => cacheKey(services.keys, dataset, params)),
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

function renderItem(field: string, item: Item): string {
  const job = item.jobId === undefined ? '' : `,"jobId":${JSON.stringify(item.jobId)}`
  const failure =
    item.status === ItemStatus.stale && item.envelope ? lastRefreshError(item.envelope) : null
  const error = failure === null ? '' : `,"error":${JSON.stringify(failure)}`
  // `data` is the stored JSON string, spliced in as-is.
  return `{${JSON.stringify(field)}:${JSON.stringify(item.name)},"status":"${item.status}","data":${item.envelope?.data ?? 'null'}${job}${error}}`
}
