import { parsePublicJobId, publicJobId } from '@marketcache/shared/job-ids'
import {
  type JobOrigin,
  type JobPayload,
  type JobRequest,
  type ProducerJobOptions,
  producerJobOptions,
  QueueName,
} from '@marketcache/shared/jobs'
import type { RedisClient } from '@marketcache/shared/redis-client'
import { Queue } from 'bullmq'
import { ApiError, onBackend } from './errors'
import {
  type BacklogLimit,
  MissBacklog,
  type MissQueue,
  waitingAtMissPriority,
} from './miss-backlog'

export interface EnqueuerOptions {
  /** BullMQ key prefix (QUEUE_PREFIX). */
  prefix: string
  attempts: number
  /** Waiting read misses allowed per queue (see MissBacklog). */
  missBacklog: Readonly<Record<MissQueue, BacklogLimit>>
  onError?: (queue: QueueName, error: Error) => void
}

/** Background refreshes of one fetch are sent at most this often per process. */
const BACKGROUND_REFRESH_INTERVAL_MS = 1000

/** A job as GET /v1/jobs/:id shows it. */
export interface JobView {
  id: string
  queue: QueueName
  name: string
  state: string
  attemptsMade: number
  attempts: number
  failedReason: string | null
  returnvalue: unknown
  createdAt: string
  finishedAt: string | null
}

/**
 * The API's command side: one BullMQ queue per provider (plus `derive`, `control` and `push`),
 * sharing the injected connection. Options, priorities and deduplication ids come from the shared
 * `producerJobOptions`, so the API and the worker's cron agree on them.
 */
export class Enqueuer {
  private readonly queues: Record<QueueName, Queue>
  /** Adds under way, so concurrent requests for one fetch share a round trip. */
  private readonly inflight = new Map<string, Promise<string>>()
  /** When each fetch was last refreshed in the background. */
  private readonly refreshedAt = new Map<string, number>()
  private readonly backlog: MissBacklog

  constructor(
    connection: RedisClient,
    private readonly options: EnqueuerOptions,
  ) {
    const queue = (name: QueueName) => {
      const created = new Queue(name, {
        connection,
        prefix: options.prefix,
        // Fail fast when the queue Redis is down instead of waiting for it to come back, and
        // skip the INFO version check, whose failure at start-up would poison the queue for good.
        skipWaitingForReady: true,
        skipVersionCheck: true,
        // Queue metadata (version, event-stream length) belongs to the workers that run the queue.
        skipMetasUpdate: true,
      })
      created.on('error', (error) => options.onError?.(name, error))
      return created
    }
    this.queues = {
      coingecko: queue(QueueName.coingecko),
      bybit: queue(QueueName.bybit),
      ibkr: queue(QueueName.ibkr),
      derive: queue(QueueName.derive),
      control: queue(QueueName.control),
      push: queue(QueueName.push),
    }
    this.backlog = new MissBacklog(options.missBacklog, (name) =>
      waitingAtMissPriority(this.queues[name]),
    )
  }

  /** The queue handles on this connection, for views of the queues (health, the queue board). */
  get handles(): Readonly<Record<QueueName, Queue>> {
    return this.queues
  }

  /**
   * Adds the job, or finds the one already pending for the same fetch (BullMQ deduplication), and
   * returns its public id (`coingecko.42`) so the client can poll it either way.
   * @param seenAt - the fill this job waits for: entries fetched at or after it (`JobPayload.seenAt`).
   */
  enqueue(request: JobRequest, origin: JobOrigin, seenAt?: number): Promise<string> {
    const options = producerJobOptions(request, origin, { attempts: this.options.attempts })
    const flight = `${request.queue}|${origin}|${options.deduplication.id}`
    const pending = this.inflight.get(flight)
    if (pending) return pending
    // An update asks for a new version whatever is cached, so when it was asked does not matter.
    const payload: JobPayload =
      origin === 'update'
        ? { ...request.data, origin }
        : { ...request.data, origin, seenAt: seenAt ?? Date.now() }
    const added = this.add(request, payload, options).finally(() => this.inflight.delete(flight))
    this.inflight.set(flight, added)
    return added
  }

  /**
   * Fire-and-forget refresh for an entry that is being served anyway (stale or refresh-ahead):
   * the response does not wait for the queue, and a hot key costs at most one add per second.
   */
  refreshInBackground(
    request: JobRequest,
    origin: JobOrigin,
    seenAt: number,
    onError: (error: Error) => void,
  ): void {
    const dedup = producerJobOptions(request, origin).deduplication.id
    const now = Date.now()
    if (now - (this.refreshedAt.get(dedup) ?? 0) < BACKGROUND_REFRESH_INTERVAL_MS) return
    if (this.refreshedAt.size > 10_000) this.refreshedAt.clear()
    this.refreshedAt.set(dedup, now)
    this.enqueue(request, origin, seenAt).catch(onError)
  }

  private async add(
    request: JobRequest,
    payload: JobPayload,
    options: ProducerJobOptions,
  ): Promise<string> {
    const queue = this.queues[request.queue]
    // Control commands and pushes are never misses; the narrowing says so.
    if (payload.origin === 'miss' && request.queue !== 'control' && request.queue !== 'push') {
      const dedup = options.deduplication.id
      const admission = await onBackend('queue', () =>
        this.backlog.admit(request.queue, dedup, async () =>
          Boolean(await queue.getDeduplicationJobId(dedup)),
        ),
      )
      if (!admission.admitted) throw overloaded(request.queue, admission.retryAfterS)
    }
    const id = await onBackend('queue', async () => {
      // On a deduplicated add BullMQ 6 returns the existing job's id; the lookup is a fallback.
      const job = await queue.add(request.name, payload, options)
      return job.id ?? (await queue.getDeduplicationJobId(options.deduplication.id))
    })
    if (!id) throw new Error(`BullMQ returned no job id for ${request.name}`)
    return publicJobId(request.queue, id)
  }

  /** The job behind a public id, or null when it does not exist (any more). */
  async job(publicId: string): Promise<JobView | null> {
    const parsed = parsePublicJobId(publicId)
    if (!parsed) return null
    const queue = this.queues[parsed.queue]
    return onBackend('queue', async () => {
      // The state first: a job read after it finished carries its result (read the other way
      // round, a job finishing in between shows as completed with no result).
      const state = await queue.getJobState(parsed.id)
      const job = state === 'unknown' ? undefined : await queue.getJob(parsed.id)
      if (!job?.id) return null
      return {
        id: publicJobId(parsed.queue, job.id),
        queue: parsed.queue,
        name: job.name,
        state,
        attemptsMade: job.attemptsMade,
        attempts: job.opts.attempts ?? 1,
        failedReason: job.failedReason || null,
        returnvalue: job.returnvalue ?? null,
        createdAt: new Date(job.timestamp).toISOString(),
        finishedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
      }
    })
  }

  /** Closes the queues; the shared connection belongs to the caller. */
  async close(): Promise<void> {
    await Promise.allSettled(Object.values(this.queues).map((queue) => queue.close()))
  }
}

/** A read's miss refused: the queue already holds as many waiting misses as it may. */
function overloaded(queue: QueueName, retryAfterS: number): ApiError {
  return new ApiError(
    'OVERLOADED',
    `the ${queue} queue holds as many waiting fetches as it may; retry after Retry-After`,
    { headers: { 'retry-after': String(retryAfterS) } },
  )
}
