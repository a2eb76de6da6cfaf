import { Redis } from 'ioredis'

/**
 * A client for cache entries. Commands fail after a few reconnect attempts instead of queueing
 * forever, so a job fails (and is retried) rather than hanging while Redis is away.
 */
export function createCacheRedis(url: string, name = 'mc-worker-cache'): Redis {
  return new Redis(url, { connectionName: name, maxRetriesPerRequest: 3 })
}

/**
 * A client for BullMQ. BullMQ requires `maxRetriesPerRequest: null` on connections it blocks on
 * (it duplicates this one for that), and a worker must survive Redis restarts without losing jobs.
 */
export function createQueueRedis(url: string, name = 'mc-worker-queue'): Redis {
  return new Redis(url, { connectionName: name, maxRetriesPerRequest: null })
}
