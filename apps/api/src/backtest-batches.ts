import type { BacktestParams } from '@marketcache/shared/datasets/backtest-params'
import { parsePublicJobId, publicJobId } from '@marketcache/shared/job-ids'
import {
  JOB_DEFAULTS,
  type JobName,
  type JobPayload,
  type JobRequest,
  Priority,
  QueueName,
} from '@marketcache/shared/jobs'
import type { RedisClient } from '@marketcache/shared/redis-client'
import { type FlowJob, FlowProducer, type JobNode, Queue } from 'bullmq'
import type { Batch } from './backtest-params'
import { onBackend } from './errors'

type BatchRequest = Extract<JobRequest, { name: 'derive.backtest-batch' }>
type BacktestRequest = Extract<JobRequest, { name: 'derive.backtest' }>

export interface BacktestBatchesOptions {
  /** BullMQ key prefix (QUEUE_PREFIX). */
  prefix: string
  /** Attempts per backtest (JOB_ATTEMPTS). */
  attempts: number
  onError?: (error: Error) => void
}

/** A batch as `GET /v1/backtests/batch/:id` shows it. */
export interface BatchView {
  id: string
  state: string
  total: number
  completed: number
  failed: number
  pending: number
  results: unknown[]
}

/** Bounded retention, as for every job (JOB_DEFAULTS). */
const retention = () => ({
  removeOnComplete: { ...JOB_DEFAULTS.removeOnComplete },
  removeOnFail: { ...JOB_DEFAULTS.removeOnFail },
})

/**
 * The flow of a batch: one `derive.backtest` child per symbol under one `derive.backtest-batch`
 * parent, all on the `derive` queue at update priority. A failed child neither fails the parent
 * nor blocks it (`ignoreDependencyOnFailure`): the parent runs once every child has finished and
 * finds the failures with `getIgnoredChildrenFailures()`.
 */
export function batchFlow(batch: Batch, attempts: number): FlowJob {
  const parent: JobPayload<BatchRequest> = {
    ...batch.shared,
    symbols: batch.runs.map((run) => run.symbol),
    origin: 'batch',
  }
  return {
    name: 'derive.backtest-batch' satisfies JobName,
    queueName: QueueName.derive,
    data: parent,
    // Every job gets a priority, or it would jump ahead of prioritised ones.
    opts: { priority: Priority.batch, ...retention() },
    children: batch.runs.map((params) => ({
      name: 'derive.backtest' satisfies JobName,
      queueName: QueueName.derive,
      // Not `update`: a run whose backtest is fresh is answered from it, so a repeated set is free.
      data: { ...params, origin: 'batch' } satisfies JobPayload<BacktestRequest>,
      opts: {
        failParentOnFailure: false,
        ignoreDependencyOnFailure: true,
        attempts,
        backoff: { type: 'provider' },
        priority: Priority.batch,
        ...retention(),
      },
    })),
  }
}

/** A finished batch's results: the parent's own (`{results}`, or an array), once it has them. */
function resultsOf(returnvalue: unknown): unknown[] | null {
  if (Array.isArray(returnvalue)) return returnvalue
  const results = (returnvalue as { results?: unknown } | null)?.results
  return Array.isArray(results) ? results : null
}

/**
 * A backtest finished while its batch runs, shaped like the batch's own results will be: the
 * worker's `{written, key, symbol, summary}` as `{symbol, key, ...summary}`. Anything else is
 * passed through as the worker returned it.
 */
function childResult(value: unknown): Record<string, unknown> {
  const child = value as { symbol?: unknown; key?: unknown; summary?: unknown } | null
  if (typeof child?.symbol !== 'string' || typeof child.summary !== 'object' || !child.summary) {
    return { ...(value as object) }
  }
  return { symbol: child.symbol, key: child.key, ...child.summary }
}

/** The backtests finished so far, in the order of the batch's symbols. */
function childResults(values: Record<string, unknown>, symbols: readonly unknown[]): unknown[] {
  const rank = (result: Record<string, unknown>) => {
    const index = symbols.indexOf(result.symbol)
    return index === -1 ? symbols.length : index
  }
  return Object.values(values)
    .map(childResult)
    .sort((a, b) => rank(a) - rank(b))
}

/**
 * Backtest batches as BullMQ flows on the `derive` queue: added atomically (all jobs or none)
 * through a FlowProducer, and read back through the parent job.
 */
export class BacktestBatches {
  private readonly flows: FlowProducer
  private readonly derive: Queue

  constructor(
    connection: RedisClient,
    private readonly options: BacktestBatchesOptions,
  ) {
    // Fail fast while the queue Redis is away, as the Enqueuer's queues do.
    const common = {
      connection,
      prefix: options.prefix,
      skipWaitingForReady: true,
      skipVersionCheck: true,
    }
    this.flows = new FlowProducer(common)
    // Only read here; the queue's metadata belongs to the workers that run it.
    this.derive = new Queue(QueueName.derive, { ...common, skipMetasUpdate: true })
    this.flows.on('error', (error) => options.onError?.(error))
    this.derive.on('error', (error) => options.onError?.(error))
  }

  /**
   * Adds the flow, all of it or nothing. Returns the public ids of the parent and of each run's
   * backtest, in the order of `batch.runs`.
   */
  async add(batch: Batch): Promise<{ id: string; jobs: string[] }> {
    const node: JobNode = await onBackend('queue', () =>
      this.flows.add(batchFlow(batch, this.options.attempts)),
    )
    const id = (job: JobNode['job']) => {
      if (!job.id) throw new Error(`BullMQ returned no job id for ${job.name}`)
      return publicJobId(QueueName.derive, job.id)
    }
    const bySymbol = new Map(
      (node.children ?? []).map((child) => [(child.job.data as BacktestParams).symbol, child.job]),
    )
    const jobs = batch.runs.map((run) => {
      const child = bySymbol.get(run.symbol)
      if (!child) throw new Error(`BullMQ returned no backtest job for ${run.symbol}`)
      return id(child)
    })
    return { id: id(node.job), jobs }
  }

  /** The batch behind a public id, or null when there is none (any more). */
  async get(publicId: string): Promise<BatchView | null> {
    const parsed = parsePublicJobId(publicId)
    if (parsed?.queue !== QueueName.derive) return null
    return onBackend('queue', async () => {
      // State first: a job read after it says completed carries its return value (both are set
      // by one script), while a state read after the job could be newer than the job's fields.
      const state = await this.derive.getJobState(parsed.id)
      const job = await this.derive.getJob(parsed.id)
      if (!job?.id || job.name !== ('derive.backtest-batch' satisfies JobName)) return null
      const counts = await job.getDependenciesCount()
      const completed = counts.processed ?? 0
      const failed = (counts.ignored ?? 0) + (counts.failed ?? 0)
      const pending = counts.unprocessed ?? 0
      const data = (job.data as { symbols?: unknown }).symbols
      const symbols = Array.isArray(data) ? data : []
      const results =
        (state === 'completed' ? resultsOf(job.returnvalue) : null) ??
        childResults((await job.getChildrenValues()) ?? {}, symbols)
      return {
        id: publicJobId(QueueName.derive, job.id),
        state,
        total: symbols.length || completed + failed + pending,
        completed,
        failed,
        pending,
        results,
      }
    })
  }

  /** Closes the producer and the queue; the shared connection belongs to the caller. */
  async close(): Promise<void> {
    await Promise.allSettled([this.flows.close(), this.derive.close()])
  }
}
