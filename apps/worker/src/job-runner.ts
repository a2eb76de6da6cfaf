import type { JobData, JobName, JobPayload, QueueName } from '@marketcache/shared/jobs'
import { jobDataProblem } from '@marketcache/shared/jobs'
import type { RedisClient } from '@marketcache/shared/redis-client'
import { Job, type Queue, UnrecoverableError, Worker, type WorkerOptions } from 'bullmq'
import { type BackoffSettings, providerBackoff } from './backoff'
import type { CacheReader } from './cache-reader'
import { withCallPriority } from './call-priority'
import type { JobProcessor, JobResult } from './contracts/processor'
import type { ProviderQueue } from './contracts/queue'
import type { EnvelopeWriter, NotFoundEntry } from './envelope-writer'
import { ProviderNotFoundError, ProviderRateLimitError, ProviderRejectedError } from './errors'
import { LimiterRefund } from './limiter-refund'
import type { Logger } from './logger'
import type { WorkerMetrics } from './metrics/worker-metrics'
import { writtenSince } from './written-since'

export interface QueueWorkerDeps {
  connection: RedisClient
  prefix: string
  writer: EnvelopeWriter
  /** Reads the entries a job fills, to drop a job that another fill has made pointless. */
  reader: CacheReader
  /** The writer's clock: entries' `fetchedAt` and `freshUntil` are on it. */
  now: () => number
  /** A producer handle on the same queue, to look at the jobs waiting behind a running one. */
  queue: Queue
  backoff: BackoffSettings
  /** Job locks and the stalled-job check: how soon a dead worker's jobs run elsewhere. */
  locks: { lockMs: number; stalledCheckMs: number }
  logger: Logger
  /**
   * Takes a worker error; true when it was a lost connection, which the process's outage log
   * reports once per outage instead of once per connection and attempt.
   */
  reportConnectionError(error: unknown): boolean
  /** Counts job results and rate-limit pauses. */
  metrics?: WorkerMetrics
}

export type ProviderWorker = Worker<JobPayload, JobResult, JobName>

/**
 * A BullMQ worker for one provider queue, applying the error policy of DESIGN.md "Jobs → Errors":
 * - rate limited: pause the whole queue for Retry-After and put the job back, no attempt spent;
 * - not found: negative entries, then fail without retrying;
 * - rejected (other 4xx) or invalid job data: fail without retrying;
 * - anything else is transient: BullMQ retries with the `provider` backoff;
 * - the last failed attempt records `lastError` on the entries the job fills.
 */
export function createQueueWorker<Q extends QueueName>(
  queue: ProviderQueue<Q>,
  deps: QueueWorkerDeps,
): ProviderWorker {
  const logger = deps.logger.child({ queue: queue.name })
  // Looked up by the job's run-time name; data is checked against that name's schema first.
  const processors = queue.processors as unknown as Record<
    string,
    JobProcessor<JobName> | undefined
  >

  const run = async (job: Job<JobPayload, JobResult, JobName>): Promise<JobResult> => {
    const processor = processors[job.name]
    const problem = processor
      ? jobDataProblem(job.name, job.data)
      : `no processor for ${job.name} on ${queue.name}`
    if (!processor || problem) {
      // A producer sent something no retry can fix; there are no known entries to mark.
      throw new UnrecoverableError(`INVALID_JOB: ${job.name} ${job.id}: ${problem}`)
    }
    const data = job.data as JobData<JobName>
    if (await alreadyFilled(job, processor.targets(data), deps)) {
      logger.debug({ jobId: job.id, job: job.name }, 'job dropped: its entries were written since')
      return { written: [], dropped: true }
    }
    try {
      // A flow parent (a backtest batch) reads its children through the job; its `targets` are
      // empty, so a failing parent never marks the entries its children own.
      // Its provider calls wait their pacer turn at the job's priority (see `call-priority.ts`).
      return await withCallPriority(job.priority, () =>
        processor.process(data, {
          job,
          fromId: (id) => Job.fromId(worker, id),
          waiting: (name, limit) => waitingData(deps.queue, job.id, name, limit),
        }),
      )
    } catch (error) {
      throw await failure(error, {
        job,
        worker,
        writer: deps.writer,
        logger,
        provider: queue.provider,
        data,
        processor,
        metrics: deps.metrics,
      })
    }
  }

  const refund = new LimiterRefund(deps.connection, deps.queue, queue.limiter, logger)
  const worker: ProviderWorker = new Worker<JobPayload, JobResult, JobName>(
    queue.name,
    refund.ifDropped(run),
    workerOptions(queue, deps),
  )
  worker.on('error', (error) => {
    if (!deps.reportConnectionError(error)) logger.error({ err: error }, 'worker error')
  })
  reportResults(worker, (name) => (processors[name] ? name : 'unknown'), {
    queue: queue.name,
    logger,
    metrics: deps.metrics,
  })
  return worker
}

/** The BullMQ worker options of a provider queue. */
function workerOptions(
  queue: Pick<ProviderQueue, 'concurrency' | 'limiter'>,
  deps: QueueWorkerDeps,
): WorkerOptions {
  return {
    connection: deps.connection,
    prefix: deps.prefix,
    concurrency: queue.concurrency,
    // An idle worker blocks on Redis for drainDelay seconds and only then notices a job that a
    // 429 put back; at BullMQ's default of 5 s a 1 s Retry-After cost readers 5 s (measured in
    // tests/e2e). One second bounds that lag at the price of one idle poll a second.
    drainDelay: 1,
    limiter: { max: queue.limiter.max, duration: queue.limiter.duration },
    lockDuration: deps.locks.lockMs,
    stalledInterval: deps.locks.stalledCheckMs,
    settings: { backoffStrategy: providerBackoff(deps.backoff) },
    // Started by the caller once listeners are attached.
    autorun: false,
  }
}

/**
 * Each finished run, as BullMQ records it: completed (or dropped, made pointless by another
 * fill), failed for good, or failed and retried. A rate-limited run is put back, neither.
 */
function reportResults(
  worker: ProviderWorker,
  /** A job name as a label: names no processor knows are one label, not one each. */
  nameOf: (name: string) => string,
  deps: { queue: string; logger: Logger; metrics: WorkerMetrics | undefined },
): void {
  const { queue, logger, metrics } = deps
  worker.on('completed', (job, result) => {
    metrics?.job(queue, nameOf(job.name), result.dropped ? 'dropped' : 'completed')
    logger.debug({ jobId: job.id, job: job.name, written: result.written.length }, 'job completed')
  })
  worker.on('failed', (job) => {
    // BullMQ sets finishedOn only when the failure is final (no attempt left, or unrecoverable).
    if (job) metrics?.job(queue, nameOf(job.name), job.finishedOn ? 'failed' : 'retried')
  })
}

interface FailedRun {
  job: Job<JobPayload, JobResult, JobName>
  worker: ProviderWorker
  writer: EnvelopeWriter
  logger: Logger
  /** Written as the negative entries' `source`. */
  provider: ProviderQueue['provider']
  data: JobData<JobName>
  processor: JobProcessor<JobName>
  metrics: WorkerMetrics | undefined
}

/** The error policy for a failed run (see createQueueWorker): what to record, and what to throw. */
async function failure(error: unknown, run: FailedRun): Promise<Error> {
  const { job, worker, writer, logger, provider, data, processor } = run
  if (error instanceof ProviderRateLimitError) {
    logger.warn({ jobId: job.id, retryAfterMs: error.retryAfterMs }, 'provider rate limited')
    await worker.rateLimit(error.retryAfterMs)
    run.metrics?.rateLimitPause(provider)
    return Worker.RateLimitError()
  }
  if (error instanceof ProviderNotFoundError) {
    await writer.writeNotFound(processor.targets(data), provider)
    return new UnrecoverableError(error.message)
  }
  const permanent = error instanceof ProviderRejectedError
  const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1)
  const message = error instanceof Error ? error.message : String(error)
  logger.warn(
    { jobId: job.id, job: job.name, attempt: job.attemptsMade + 1, err: error },
    permanent || lastAttempt ? 'job failed' : 'job failed, will retry',
  )
  if (permanent || lastAttempt) {
    const code = (error as { code?: unknown }).code
    await writer.recordError(
      processor.targets(data).map((target) => target.key),
      typeof code === 'string' ? `${code}: ${message}` : message,
    )
  }
  if (permanent) return new UnrecoverableError(message)
  return error instanceof Error ? error : new Error(message)
}

/**
 * Whether the job has nothing left to do: every entry it fills was written after its producer
 * saw it missing or stale, and is still fresh (another fill got there first: a replica's miss
 * that arrived after the first job finished, a miss during a warm-up). `update` jobs ask for a
 * new version and always run; a job with no known entries (a top-N listing) always runs.
 */
async function alreadyFilled(
  job: Job<JobPayload, JobResult, JobName>,
  targets: readonly NotFoundEntry[],
  deps: Pick<QueueWorkerDeps, 'reader' | 'now'>,
): Promise<boolean> {
  if (job.data.origin === 'update' || targets.length === 0) return false
  const keys = targets.map((target) => target.key)
  return writtenSince(deps.reader, keys, job.data.seenAt ?? job.timestamp, deps.now())
}

/** Jobs running beside this one, then those waiting (miss priority first, as they run). */
async function waitingData<N extends JobName>(
  queue: Queue,
  self: string | undefined,
  name: N,
  limit: number,
): Promise<JobData<N>[]> {
  const jobs = (await queue.getJobs(
    ['active', 'prioritized', 'waiting'],
    0,
    Math.max(0, limit * 4 - 1),
    true,
  )) as Job<JobPayload, JobResult, JobName>[]
  return jobs
    .filter((job) => job.id !== self && job.name === name && job.data.origin !== 'update')
    .slice(0, limit)
    .map((job) => job.data as JobData<N>)
}
