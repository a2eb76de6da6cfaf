import type { EntrySource } from '@marketcache/shared/envelope'
import type { QueueName } from '@marketcache/shared/jobs'
import type { Keys } from '@marketcache/shared/keys'
import type { RedisClient } from '@marketcache/shared/redis-client'
import type { ProcessorContext, QueueProcessors } from '../contracts/processor'
import type { ProviderCallCounter } from '../provider-calls'

/** The queues this worker consumes: every queue. */
export type ConsumedQueue = Extract<
  QueueName,
  'coingecko' | 'bybit' | 'ibkr' | 'derive' | 'control' | 'push'
>

/** What every queue spec is built from: the shared processor context and the call counter. */
export interface QueueDeps {
  context: ProcessorContext
  counter: ProviderCallCounter
  /** Where state every worker replica shares lives (the queue Redis): per-call provider pacing. */
  fleet: { redis: RedisClient; keys: Keys }
}

/** A provider queue as this worker runs it: limits, plus one processor per job name. */
export interface ProviderQueue<Q extends QueueName = QueueName> {
  name: Q
  /** Written as the entries' `source`: the provider, `derived` (derive queue) or `pushed`. */
  provider: EntrySource
  /** Shared by every replica through Redis. */
  limiter: { max: number; duration: number }
  concurrency: number
  processors: QueueProcessors<Q>
  /** Releases what the provider adapter holds (HTTP pools). */
  close(): Promise<void>
}
