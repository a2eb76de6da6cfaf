import type { Keys } from '@marketcache/shared/keys'
import type { ReadPolicy } from '@marketcache/shared/read-decision'
import type { RedisClient } from '@marketcache/shared/redis-client'
import type { ApiKeyAuth } from './auth'
import type { BacktestBatches } from './backtest-batches'
import type { CacheReader } from './cache-reader'
import type { Catalogs } from './catalogs'
import type { ApiConfig } from './config'
import type { Enqueuer } from './enqueuer'
import type { L1Cache } from './l1'
import type { RateLimits } from './rate-limits'
import type { ReadTelemetry } from './read-telemetry'
import type { WrittenEvents } from './written-events'

/** What route modules get from `buildApp`; all of it per app, nothing module-level. */
export interface ApiServices {
  config: ApiConfig
  keys: Keys
  policy: ReadPolicy
  cacheRedis: RedisClient
  queueRedis: RedisClient
  reader: CacheReader
  /** This process's copies of entries, which the reader reads first (and the hit fast lane). */
  l1: L1Cache
  /** The provider id lists a miss is checked against. */
  catalogs: Catalogs
  enqueuer: Enqueuer
  batches: BacktestBatches
  events: WrittenEvents
  telemetry: ReadTelemetry
  auth: ApiKeyAuth
  rateLimits: RateLimits
}
