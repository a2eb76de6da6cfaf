import { createRedisClient, type RedisClient } from '@marketcache/shared/redis-client'

/**
 * A client for cache entries. Commands fail after a few reconnect attempts instead of queueing
 * forever, so a job fails (and is retried) rather than hanging while Redis is away. `url` is one
 * server, or a Redis Cluster's seed nodes (comma-separated) when `cluster`.
 */
export function createCacheRedis(
  url: string,
  cluster = false,
  name = 'mc-worker-cache',
): RedisClient {
  return createRedisClient(url, cluster, { connectionName: name, maxRetriesPerRequest: 3 })
}

/**
 * A client for BullMQ. BullMQ requires `maxRetriesPerRequest: null` on connections it blocks on
 * (it duplicates this one for that), and a worker must survive Redis restarts without losing jobs.
 */
export function createQueueRedis(
  url: string,
  cluster = false,
  name = 'mc-worker-queue',
): RedisClient {
  return createRedisClient(url, cluster, { connectionName: name, maxRetriesPerRequest: null })
}
