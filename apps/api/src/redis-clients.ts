import {
  createRedisClient,
  duplicateClient,
  type RedisClient,
} from '@marketcache/shared/redis-client'
import { type OutageLogger, RedisOutageLog } from '@marketcache/shared/redis-outage'
import type { RedisOptions } from 'ioredis'
import type { ApiConfig } from './config'

export type RedisClientLogger = OutageLogger

/**
 * A client for the request path. It fails fast while Redis is away: no offline queue, no
 * per-command retries and a command timeout, so a read answers 503 within milliseconds instead
 * of hanging. ioredis keeps reconnecting in the background, so the API recovers by itself.
 */
export function createFailFastClient(
  url: string,
  options: {
    commandTimeoutMs: number
    name: string
    /** `url` lists a Redis Cluster's seed nodes. @defaultValue false */
    cluster?: boolean
    /** How the outage log names its server. @defaultValue name */
    server?: string
    /**
     * Commands issued in one turn of the event loop go out as one pipeline (ioredis
     * `enableAutoPipelining`): one socket write for many concurrent reads instead of one each.
     * @defaultValue false
     */
    autoPipelining?: boolean
    outages?: RedisOutageLog
  },
): RedisClient {
  const client = createRedisClient(url, options.cluster ?? false, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: Math.max(1000, options.commandTimeoutMs * 2),
    connectionName: options.name,
    enableAutoPipelining: options.autoPipelining ?? false,
    // Reconnect quickly at first, then every 2 s at most, forever.
    retryStrategy: (times) => Math.min(times * 100, 2000),
  } satisfies RedisOptions)
  // Without a listener an error event would throw; with an outage log, it is one line per outage.
  if (options.outages) options.outages.watch(options.server ?? options.name, client)
  else client.on('error', () => {})
  return client
}

/**
 * Clients for one API process, from its config. One outage log follows both servers (one server
 * when both URLs are the same), so an outage is one line, and its end another.
 */
export function createApiClients(config: ApiConfig, logger?: RedisClientLogger) {
  const commandTimeoutMs = config.redisCommandTimeoutMs
  const outages = logger ? new RedisOutageLog(logger) : undefined
  const same = config.cacheRedisUrl === config.queueRedisUrl
  const cacheRedis = createFailFastClient(config.cacheRedisUrl, {
    commandTimeoutMs,
    cluster: config.cacheRedisCluster,
    name: 'mc-api-cache',
    // Every read is one command on this client; under load, many are in flight at once.
    autoPipelining: true,
    server: same ? 'cache+queue' : 'cache',
    ...(outages ? { outages } : {}),
  })
  const queueRedis = createFailFastClient(config.queueRedisUrl, {
    commandTimeoutMs,
    cluster: config.queueRedisCluster,
    name: 'mc-api-queue',
    server: same ? 'cache+queue' : 'queue',
    ...(outages ? { outages } : {}),
  })
  return { cacheRedis, queueRedis }
}

/**
 * The pub/sub connection for written events. Unlike the request-path clients it keeps its offline
 * queue, so SUBSCRIBE issued while Redis is away runs on connect; ioredis re-subscribes after
 * every reconnect. On a cluster it subscribes on one node, which hears every node's PUBLISH
 * (classic pub/sub is cluster-wide), and moves to another if that node goes.
 */
export function createSubscriber(
  cacheRedis: RedisClient,
  keyPrefix: string,
  logger?: RedisClientLogger,
): RedisClient {
  const subscriber = duplicateClient(cacheRedis, {
    enableOfflineQueue: true,
    maxRetriesPerRequest: null,
    commandTimeout: undefined,
    enableAutoPipelining: false,
    // Named after the prefix, so CLIENT LIST tells one deployment's subscribers from another's.
    connectionName: `mc-api-written-events:${keyPrefix}`,
    autoResubscribe: true,
  })
  // The cache client it duplicates reports the outage; this connection only adds detail.
  subscriber.on('error', (error: Error) =>
    logger?.debug({ redis: 'written-events', err: error.message }, 'redis connection error'),
  )
  return subscriber
}

/** Resolves true once `client` is ready, or false after `timeoutMs`; never rejects. */
export async function whenReady(client: RedisClient, timeoutMs: number): Promise<boolean> {
  if (client.status === 'ready') return true
  return new Promise((resolve) => {
    const done = (ready: boolean) => {
      clearTimeout(timer)
      client.off('ready', onReady)
      resolve(ready)
    }
    const onReady = () => done(true)
    const timer = setTimeout(() => done(false), timeoutMs)
    client.on('ready', onReady)
  })
}

/** Closes a client politely if it is connected, and drops it otherwise. */
export async function closeClient(client: RedisClient): Promise<void> {
  if (client.status === 'end') return
  if (client.status !== 'ready') {
    client.disconnect()
    return
  }
  try {
    await client.quit()
  } catch {
    client.disconnect()
  }
}
