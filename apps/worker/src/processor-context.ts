import type { Keys } from '@marketcache/shared/keys'
import type { RedisClient } from '@marketcache/shared/redis-client'
import { CacheReader } from './cache-reader'
import type { FreshnessConfig, ProcessorContext } from './contracts/processor'
import { recomputeDependents } from './derive/recompute'
import { EnvelopeWriter } from './envelope-writer'
import { FillClaims } from './fill-claims'
import type { Logger } from './logger'
import type { WorkerMetrics } from './metrics/worker-metrics'

export interface ProcessorContextDeps {
  /** The cache Redis: entries are written to and read from it. */
  cacheRedis: RedisClient
  keys: Keys
  freshness: FreshnessConfig
  logger: Logger
  /** Clock for fetchedAt and freshness. @defaultValue Date.now */
  now?: () => number
  /** Freshness jitter in [0, 1). @defaultValue Math.random */
  random?: () => number
  enqueue: ProcessorContext['enqueue']
  /** Counts the entries written. */
  metrics?: WorkerMetrics
}

/**
 * The real context every processor runs with, built in one place for the composition root and
 * the test harnesses alike: every write of an input re-enqueues the derived entries that depend
 * on it and are read.
 */
export function createProcessorContext(deps: ProcessorContextDeps): ProcessorContext {
  const { cacheRedis, keys, enqueue, logger } = deps
  return {
    writer: new EnvelopeWriter(cacheRedis, keys, {
      onWritten: recomputeDependents({ redis: cacheRedis, keys, enqueue, logger }),
      ...(deps.metrics ? { metrics: deps.metrics } : {}),
    }),
    reader: new CacheReader(cacheRedis, keys),
    keys,
    freshness: deps.freshness,
    logger,
    now: deps.now ?? Date.now,
    claims: new FillClaims(),
    enqueue,
    ...(deps.random ? { random: deps.random } : {}),
  }
}
