import type { JobName, JobRequest, QueueName } from '@marketcache/shared/jobs'
import type { Keys } from '@marketcache/shared/keys'
import type { CacheReader } from '../cache-reader'
import type { WorkerConfig } from '../config'
import type { EnvelopeWriter, NotFoundEntry } from '../envelope-writer'
import type { Logger } from '../logger'

/** What every processor may use; injected, so tests can pin the clock and the jitter. */
export interface ProcessorContext {
  writer: EnvelopeWriter
  /** For jobs that build on other cached datasets. */
  reader: CacheReader
  keys: Keys
  freshness: WorkerConfig['freshness']
  logger: Logger
  now: () => number
  /** Freshness jitter in [0, 1). @defaultValue Math.random */
  random?: () => number
}

/** A job's data by job name (without `origin`, which only decides priority). */
export type JobData<N extends JobName> = Extract<JobRequest, { name: N }>['data']

/** The job's return value, stored by BullMQ and shown by `GET /v1/jobs/:id`. */
export interface JobResult {
  /** Cache keys this run wrote (envelopes that won the asOf check, and negative entries). */
  written: string[]
}

export interface JobProcessor<N extends JobName> {
  /**
   * The entries this job fills that are known before any provider call: where a "does not
   * exist" answer writes negative entries and a final failure records `lastError`.
   */
  targets(data: JobData<N>): NotFoundEntry[]
  process(data: JobData<N>): Promise<JobResult>
}

/** The job names a queue carries. */
export type QueueJobName<Q extends QueueName> = Extract<JobRequest, { queue: Q }>['name']

/** One processor per job name of the queue: a job added without wiring fails to compile. */
export type QueueProcessors<Q extends QueueName> = { [N in QueueJobName<Q>]: JobProcessor<N> }
