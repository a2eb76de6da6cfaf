import type { FreshnessPolicy } from '@marketcache/shared/freshness'
import type {
  JobData,
  JobName,
  JobOrigin,
  JobPayload,
  JobRequest,
  QueueJobName,
  QueueName,
} from '@marketcache/shared/jobs'
import type { Keys } from '@marketcache/shared/keys'
import type { DatasetName } from '@marketcache/shared/registry'
import type { Job } from 'bullmq'
import type { CacheReader } from '../cache-reader'
import type { EnvelopeWriter, NotFoundEntry } from '../envelope-writer'
import type { FillClaims } from '../fill-claims'
import type { Logger } from '../logger'

/**
 * The processor contract: what a processor is given and what it returns. The bottom floor of the
 * worker (above shared): it imports no processor, provider, derive module or queue spec, so the
 * per-job result types live here beside it rather than next to the processors that return them.
 */

/** Per-dataset freshness policy after config overrides, in milliseconds. */
export type FreshnessConfig = Readonly<Record<DatasetName, Readonly<FreshnessPolicy>>>

/** What every processor may use; injected, so tests can pin the clock and the jitter. */
export interface ProcessorContext {
  writer: EnvelopeWriter
  /** For jobs that build on other cached datasets. */
  reader: CacheReader
  keys: Keys
  freshness: FreshnessConfig
  logger: Logger
  now: () => number
  /** The entries this process's provider calls are fetching right now (see `sharedCall`). */
  claims: FillClaims
  /** Enqueues a fill job (deduplicated like any other): how derived jobs get missing inputs. */
  enqueue(request: JobRequest, origin: JobOrigin): Promise<void>
  /** Freshness jitter in [0, 1). @defaultValue Math.random */
  random?: () => number
}

/** The job's return value, stored by BullMQ and shown by `GET /v1/jobs/:id`. */
export interface JobResult {
  /** Cache keys this run wrote (envelopes that won the asOf check, and negative entries). */
  written: string[]
  /** Set when the job did not run: every entry it fills was written since it was asked for. */
  dropped?: true
}

/** The headline numbers of one backtest, as a batch reports them. */
export interface BacktestSummary {
  total_return: number
  sharpe: number | null
  max_drawdown: number
  trade_count: number
}

/** What a `derive.backtest` job returns: enough for a batch parent to report it. */
export interface BacktestJobResult extends JobResult {
  /** The entry's cache key, written now or found fresh. */
  key: string
  symbol: string
  summary: BacktestSummary
}

/** One completed backtest of a batch. */
export interface BatchBacktest extends BacktestSummary {
  symbol: string
  key: string
}

/** What a `derive.backtest-batch` job returns once every child backtest has finished. */
export interface BacktestBatchResult extends JobResult {
  total: number
  completed: number
  failed: number
  /** In the order of the batch's `symbols`. */
  results: BatchBacktest[]
  failures: { symbol: string; reason: string }[]
}

/** What a `push.write` job returns: every pushed key, by what became of its value. */
export interface PushJobResult extends JobResult {
  /** Keys whose stored entry has a newer `asOf`: the pushed value was not written. */
  kept: string[]
  /** Entries (as `signal/<id>`) whose value expired before the job ran: not written. */
  expired: string[]
}

/** Jobs whose return value carries more than `written`, by job name. */
export interface JobResults {
  'push.write': PushJobResult
  'derive.backtest': BacktestJobResult
  'derive.backtest-batch': BacktestBatchResult
}

/** A job's return value by job name: `JobResult`, or more where `JobResults` says so. */
export type JobResultOf<N extends JobName> = N extends keyof JobResults ? JobResults[N] : JobResult

/** The BullMQ side of the job being run, for processors that need more than its data. */
export interface JobHandle {
  /** The job itself, e.g. for a flow parent's `getChildrenValues()`. */
  job: Job<JobPayload, JobResult, JobName>
  /** Another job of the same queue by id (a flow parent's child), or undefined once removed. */
  fromId(id: string): Promise<Job | undefined>
  /**
   * The data of up to `limit` other jobs of this name running beside this one or waiting behind
   * it on the same queue (not update-cache ones, which ask for their own fetch), so a processor
   * can serve them with the same provider call (see `sharedCall`).
   */
  waiting<N extends JobName>(name: N, limit: number): Promise<JobData<N>[]>
}

export interface JobProcessor<N extends JobName> {
  /**
   * The entries this job fills that are known before any provider call: where a "does not
   * exist" answer writes negative entries and a final failure records `lastError`.
   */
  targets(data: JobData<N>): NotFoundEntry[]
  process(data: JobData<N>, handle: JobHandle): Promise<JobResultOf<N>>
}

/** One processor per job name of the queue: a job added without wiring fails to compile. */
export type QueueProcessors<Q extends QueueName> = { [N in QueueJobName<Q>]: JobProcessor<N> }
