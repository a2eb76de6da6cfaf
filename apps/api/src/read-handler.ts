import { type AnyDataset, cacheKey } from '@marketcache/shared/dataset'
import { type Envelope, isNewVersion, type StoredEntry } from '@marketcache/shared/envelope'
import type { JobOrigin, JobRequest } from '@marketcache/shared/jobs'
import { decideRead, lastRefreshError } from '@marketcache/shared/read-decision'
import { type Static, type TProperties, Type } from '@sinclair/typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { ApiConfig } from './config'
import { ApiError, RetryAfterSeconds } from './errors'
import { CacheStatus, sendEnvelope } from './http-cache'
import type { ReadFilter, ReadFilterParser } from './read-filter'
import { ReadOutcome } from './read-telemetry'
import type { ApiServices } from './services'
import { expiredAt, inputMovedCheck } from './stale-when'

/** Query parameters every dataset read accepts, plus a route's own (`extra`). */
export function readQuerySchema<T extends TProperties = Record<never, never>>(
  config: ApiConfig,
  extra: T = {} as T,
) {
  return Type.Object({
    ...extra,
    wait: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: config.readWaitMaxMs,
        description: `On a miss, how long to wait for the fetch, in ms (default ${config.readWaitMs}).`,
      }),
    ),
    fresh: Type.Optional(
      Type.Boolean({ description: 'Force a refresh now and wait for it, like a miss.' }),
    ),
    maxStaleness: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: 'Seconds; older data counts as absent and is fetched (and waited for).',
      }),
    ),
  })
}
export type ReadQuery = Static<ReturnType<typeof readQuerySchema<Record<never, never>>>>

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

function notFound(dataset: AnyDataset, params: object): ApiError {
  const what = dataset.segments(params).join('/')
  return new ApiError(
    'NOT_FOUND',
    `${dataset.name} ${what} does not exist at ${dataset.fill(params).queue}`,
  )
}

/** Sends an envelope with the request's headers and filter applied. */
type Send = (status: CacheStatus, envelope: Envelope, cacheError?: string | null) => FastifyReply

interface Fill {
  key: string
  request: JobRequest
  origin: JobOrigin
  waitMs: number
  /** Whether an entry read without having seen its written event is the one we waited for. */
  accept(entry: StoredEntry): boolean
  /** Served STALE when the fetch does not land in time. */
  fallback: Envelope | null
  /** The entry read before enqueuing; a written event for that same version is not a fill. */
  previous: StoredEntry | null
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
  const { config, keys, policy, reader, telemetry } = services
  const queryParams = options.queryParams ?? []
  const inputMoved = inputMovedCheck(services, dataset)

  return async function readDataset(request: FastifyRequest, reply: FastifyReply) {
    const query = request.query as ReadQuery & Record<string, unknown>
    const raw: Record<string, unknown> = { ...(request.params as Record<string, unknown>) }
    for (const name of queryParams) if (query[name] !== undefined) raw[name] = query[name]
    const params = dataset.parseParams(raw)
    const filter: ReadFilter | null = options.filter?.(query) ?? null
    const key = cacheKey(keys, dataset, params)
    const maxStalenessMs = query.maxStaleness === undefined ? undefined : query.maxStaleness * 1000
    const waitMs = query.wait ?? config.readWaitMs
    const job = dataset.fill(params)
    const send: Send = (status, envelope, cacheError) =>
      sendEnvelope(request, reply, status, envelope, { cacheError, filter })
    const answer = (entry: StoredEntry) => {
      if ('notFound' in entry) throw notFound(dataset, params)
      return send(CacheStatus.miss, entry)
    }

    const startedAt = Date.now()
    const entry = await reader.read(key)
    const decision = decideRead(entry, startedAt, policy, maxStalenessMs)

    if (query.fresh) {
      telemetry.count(dataset.name, ReadOutcome.miss)
      const fallback =
        decision.status === 'HIT' || decision.status === 'STALE'
          ? decision.envelope
          : decision.status === 'MISS'
            ? decision.fallback
            : null
      // Only a version other than the one just read is the refresh the client asked for. Compared
      // by version, not by clock: the worker's clock is not ours.
      const accept = (candidate: StoredEntry) => isNewVersion(candidate, entry)
      return fillAndWait(services, send, answer, {
        key,
        request: job,
        origin: 'update',
        waitMs,
        accept,
        fallback,
        previous: entry,
      })
    }

    switch (decision.status) {
      case 'HIT':
        // A derived entry whose input has moved too far is stale before its time.
        if (inputMoved && (await inputMoved(params, decision.envelope, request.log))) {
          telemetry.count(dataset.name, ReadOutcome.stale)
          refresh(services, request, job, 'stale')
          return send(CacheStatus.stale, expiredAt(decision.envelope, Date.now()))
        }
        telemetry.count(dataset.name, ReadOutcome.hit)
        if (decision.refresh) refresh(services, request, job, decision.refresh)
        return send(CacheStatus.hit, decision.envelope)
      case 'STALE':
        telemetry.count(dataset.name, ReadOutcome.stale)
        if (decision.refresh) refresh(services, request, job, decision.refresh)
        return send(CacheStatus.stale, decision.envelope, decision.error)
      case 'NOT_FOUND':
        telemetry.count(dataset.name, ReadOutcome.notFound)
        throw notFound(dataset, params)
      case 'MISS': {
        telemetry.count(dataset.name, ReadOutcome.miss)
        // A new version that is servable; the old one marked with a failed refresh is not a fill.
        const accept = (candidate: StoredEntry) =>
          isNewVersion(candidate, entry) &&
          decideRead(candidate, Date.now(), policy, maxStalenessMs).status !== 'MISS'
        return fillAndWait(services, send, answer, {
          key,
          request: job,
          origin: decision.refresh,
          waitMs,
          accept,
          fallback: decision.fallback,
          previous: entry,
        })
      }
    }
  }
}

function refresh(
  services: ApiServices,
  request: FastifyRequest,
  job: JobRequest,
  origin: JobOrigin,
) {
  services.enqueuer.refreshInBackground(job, origin, (error) =>
    request.log.warn({ err: error, job: job.name, origin }, 'background refresh not enqueued'),
  )
}

/**
 * Enqueue, then wait for the written event. The wait is registered BEFORE the enqueue and the key
 * re-read after it, so a write landing in between is seen by one or the other.
 */
async function fillAndWait(
  services: ApiServices,
  send: Send,
  answer: (entry: StoredEntry) => FastifyReply,
  fill: Fill,
): Promise<FastifyReply> {
  const { reader, enqueuer, events } = services
  const wait = events.waitForWrites([fill.key], fill.waitMs)
  try {
    const jobId = await enqueuer.enqueue(fill.request, fill.origin)
    let entry = await reader.read(fill.key)
    if (entry && fill.accept(entry)) return answer(entry)

    const written = await wait.written
    entry = await reader.read(fill.key)
    // A written event also follows a failed refresh (lastError marked on the old entry), so it
    // counts only when it brought a new version.
    const newVersion = entry !== null && isNewVersion(entry, fill.previous)
    if (entry && ((written.has(fill.key) && newVersion) || fill.accept(entry))) return answer(entry)

    if (fill.fallback) {
      // The re-read copy of the same version carries lastError if the refresh has failed since.
      const stale = entry && !newVersion && !('notFound' in entry) ? entry : fill.fallback
      return send(CacheStatus.stale, stale, lastRefreshError(stale))
    }
    throw fillPending(jobId)
  } finally {
    wait.cancel()
  }
}
