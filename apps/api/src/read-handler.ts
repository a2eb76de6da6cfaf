import { type AnyDataset, cacheKey, fillOf } from '@marketcache/shared/dataset'
import type { Envelope, StoredEntry } from '@marketcache/shared/envelope'
import type { JobOrigin, JobRequest } from '@marketcache/shared/jobs'
import { decideRead, type ReadDecision } from '@marketcache/shared/read-decision'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Scope } from './api-keys'
import type { CacheLookup } from './cache-reader'
import { ApiError, RetryAfterSeconds } from './errors'
import { readByLane } from './fast-lane'
import { type FillOptions, type FillTarget, fillOneAndWait, seenAfter } from './fill-wait'
import { CacheStatus, sendEnvelope } from './http-cache'
import type { ReadFilterParser } from './read-filter'
import type { ReadQuery } from './read-query'
import { ReadOutcome } from './read-telemetry'
import type { ApiServices } from './services'
import { expiredAt, type InputMoved, inputMovedCheck } from './stale-when'

/** What sets one dataset's route apart; everything else about a read is the same for all. */
export interface DatasetReadOptions {
  /**
   * Dataset params that come from the query string instead of the path, e.g. the `interval` of a
   * candle series: part of the key, so validated by `parseParams` like the path.
   */
  queryParams?: readonly string[]
  /**
   * Read-time filters or a view of the value (not part of the key). Null from the parser: the
   * stored bytes go out as-is. A bad filter is a 400 before any key exists.
   */
  filter?: ReadFilterParser
}

/** The 503 a client gets when the fetch did not land within its wait. */
export function fillPending(jobId: string): ApiError {
  return new ApiError(
    'FILL_PENDING',
    `the entry is being fetched; retry after Retry-After, or poll /v1/jobs/${jobId}`,
    {
      headers: {
        'retry-after': String(RetryAfterSeconds.fillPending),
        location: `/v1/jobs/${jobId}`,
      },
      jobId,
    },
  )
}

function notFound(dataset: AnyDataset, params: object, why?: string): ApiError {
  const what = `${dataset.name} ${dataset.segments(params).join('/')}`
  const fill = fillOf(dataset, params)
  // A pushed entry that is absent was never pushed, or has expired: nothing fetches it.
  const where = fill ? `${what} does not exist at ${fill.queue}` : `${what} is not cached`
  return new ApiError('NOT_FOUND', why === undefined ? where : `${where}: ${why}`)
}

/** One request's read of one entry: validated params, its key and job, and how to answer. */
interface DatasetRead {
  dataset: AnyDataset
  params: object
  key: string
  /** Null for a pushed dataset: nothing fetches it, so a miss is a 404 and nothing refreshes. */
  job: JobRequest | null
  fresh: boolean
  waitMs: number
  maxStalenessMs: number | undefined
  /** When the entry was read: the jobs' `seenAt`. */
  readAt: number
  /** The entry as first read, and the layer it came from (`X-Cache-Layer`). */
  first: CacheLookup
  request: FastifyRequest
  /** Sends an envelope with the request's headers and filter applied. */
  send(status: CacheStatus, envelope: Envelope, cacheError?: string | null): FastifyReply
}

/**
 * The read decision table for one dataset, as ONE handler every dataset route uses: params and
 * read-time filters are validated (400) before a key exists, the key comes from the shared
 * `cacheKey`, and the decision from the shared `decideRead`. A dataset with `staleWhen` also has
 * its HITs checked against the input's current value (see `inputMovedCheck`).
 */
export function datasetReadHandler(
  services: ApiServices,
  dataset: AnyDataset,
  options: DatasetReadOptions = {},
) {
  const inputMoved = inputMovedCheck(services, dataset)
  return async function readDataset(request: FastifyRequest, reply: FastifyReply) {
    const read = parseRead(services, dataset, options, request, reply)
    // A forced refresh spends provider quota on demand: 401/403 before anything is read.
    if (read.fresh && services.config.freshRequiresKey) services.auth.check(request, Scope.write)
    read.first = readByLane(request.raw, read.key) ?? (await services.reader.lookup(read.key))
    services.telemetry.readKey(read.dataset.name, read.key)
    const entry = read.first.entry
    const decision = decideRead(entry, read.readAt, services.policy, read.maxStalenessMs)
    if (read.fresh) return forceRefresh(services, read, entry, decision)
    return serveDecision(services, read, entry, decision, inputMoved)
  }
}

/** Params (path, then the dataset's query params) and filters, validated before any key exists. */
function parseRead(
  services: ApiServices,
  dataset: AnyDataset,
  options: DatasetReadOptions,
  request: FastifyRequest,
  reply: FastifyReply,
): DatasetRead {
  const query = request.query as ReadQuery & Record<string, unknown>
  const raw: Record<string, unknown> = { ...(request.params as Record<string, unknown>) }
  for (const name of options.queryParams ?? []) {
    if (query[name] !== undefined) raw[name] = query[name]
  }
  const params = dataset.parseParams(raw)
  const filter = options.filter?.(query) ?? null
  return {
    dataset,
    params,
    key: cacheKey(services.keys, dataset, params),
    job: fillOf(dataset, params),
    fresh: query.fresh === true,
    waitMs: query.wait ?? services.config.readWaitMs,
    maxStalenessMs: query.maxStaleness === undefined ? undefined : query.maxStaleness * 1000,
    // Taken just before the read, as the read decision's clock.
    readAt: Date.now(),
    first: { entry: null, layer: 'L2' },
    request,
    send(status, envelope, cacheError) {
      services.telemetry.served(dataset.name, envelope)
      // What a fill or a re-read brought came from Redis.
      const layer = envelope === this.first.entry ? this.first.layer : 'L2'
      return sendEnvelope(request, reply, status, envelope, { cacheError, filter, layer })
    },
  }
}

/** `?fresh=true`: a refresh now, waited for like a miss, with whatever is cached as the fallback. */
function forceRefresh(
  services: ApiServices,
  read: DatasetRead,
  entry: StoredEntry | null,
  decision: ReadDecision,
): Promise<FastifyReply> {
  services.telemetry.count(read.dataset.name, ReadOutcome.miss)
  const fallback =
    decision.status === 'HIT' || decision.status === 'STALE'
      ? decision.envelope
      : decision.status === 'MISS'
        ? decision.fallback
        : null
  // Only a version other than the one just read is the refresh the client asked for. Compared
  // by version, not by clock: the worker's clock is not ours.
  return waitForFill(
    services,
    read,
    { key: read.key, previous: entry, fallback },
    {
      origin: 'update',
      forced: true,
    },
  )
}

/** Answers the read decision: HIT, STALE and NOT_FOUND at once, a MISS after the fill wait. */
async function serveDecision(
  services: ApiServices,
  read: DatasetRead,
  entry: StoredEntry | null,
  decision: ReadDecision,
  inputMoved: InputMoved | null,
): Promise<FastifyReply> {
  const { telemetry } = services
  const name = read.dataset.name
  switch (decision.status) {
    case 'HIT':
      // A derived entry whose input has moved too far is stale before its time.
      if (inputMoved && (await inputMoved(read.params, decision.envelope, read.request.log))) {
        telemetry.count(name, ReadOutcome.stale)
        refresh(services, read, 'stale')
        return read.send(CacheStatus.stale, expiredAt(decision.envelope, Date.now()))
      }
      telemetry.count(name, ReadOutcome.hit)
      if (decision.refresh) refresh(services, read, decision.refresh)
      return read.send(CacheStatus.hit, decision.envelope)
    case 'STALE':
      telemetry.count(name, ReadOutcome.stale)
      if (decision.refresh) refresh(services, read, decision.refresh)
      return read.send(CacheStatus.stale, decision.envelope, decision.error)
    case 'NOT_FOUND':
      telemetry.count(name, ReadOutcome.notFound)
      throw notFound(read.dataset, read.params)
    case 'MISS':
      telemetry.count(name, ReadOutcome.miss)
      if (read.job === null) throw notFound(read.dataset, read.params)
      // A new version that is servable; the old one marked with a failed refresh is not a fill.
      return waitForFill(
        services,
        read,
        { key: read.key, previous: entry, fallback: decision.fallback },
        { origin: decision.refresh },
      )
  }
}

function refresh(services: ApiServices, read: DatasetRead, origin: JobOrigin) {
  const { job, request } = read
  if (job === null) return
  services.enqueuer.refreshInBackground(job, origin, seenAfter([read.first.entry]), (error) =>
    request.log.warn({ err: error, job: job.name, origin }, 'background refresh not enqueued'),
  )
}

/** The miss wait of the one read engine, answered: MISS, 404, STALE with its error, or 503. */
async function waitForFill(
  services: ApiServices,
  read: DatasetRead,
  target: FillTarget,
  options: Pick<FillOptions, 'origin' | 'forced'>,
): Promise<FastifyReply> {
  // An id the provider's cached catalog lacks costs no call: its old copy if one is servable, else 404.
  if (!(await services.catalogs.mayList(read.dataset, read.params))) {
    if (target.fallback) return read.send(CacheStatus.stale, target.fallback)
    throw notFound(read.dataset, read.params, 'it is not in the provider catalog')
  }
  // The costly budget, now that this read is known to call a provider; refused, nothing is enqueued.
  await services.rateLimits.admitCostly(read.request)
  if (read.job === null) throw notFound(read.dataset, read.params)
  const outcome = await fillOneAndWait(services, target, read.job, {
    ...options,
    waitMs: read.waitMs,
    ...(read.maxStalenessMs === undefined ? {} : { maxStalenessMs: read.maxStalenessMs }),
  })
  switch (outcome.status) {
    case 'filled':
      if ('notFound' in outcome.entry) throw notFound(read.dataset, read.params)
      return read.send(CacheStatus.miss, outcome.entry)
    case 'stale':
      return read.send(CacheStatus.stale, outcome.envelope, outcome.error)
    case 'pending':
      throw fillPending(outcome.jobId)
    case 'overloaded':
      throw outcome.error
  }
}
