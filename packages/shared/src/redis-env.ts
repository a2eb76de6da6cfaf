import { Type } from '@sinclair/typebox'
import { ConfigError } from './env'
import { isSentinelUrl, redisUrls } from './redis-client'

/**
 * The Redis variables both apps read (through their own `config.ts`, the only readers of the
 * environment): where the cache and the queues are, and whether each is a Redis Cluster.
 */

const URL_LIST =
  '^\\s*(rediss?://[^,\\s]+(\\s*,\\s*rediss?://[^,\\s]+)*|rediss?\\+sentinel://\\S+)\\s*$'
const URL_LIST_ALLOWED =
  'a redis:// or rediss:// URL, for a cluster a comma-separated list of seed node URLs, or ' +
  'redis+sentinel://host:port[,host:port]/<master name> for a master Sentinel names'

const RedisUrlList = (defaultValue?: string) =>
  Type.String({
    pattern: URL_LIST,
    allowed: URL_LIST_ALLOWED,
    ...(defaultValue ? { default: defaultValue } : {}),
  })

/** Schema entries for `parseEnv`; `defaultUrl` is where a local Redis answers. */
export const redisEnv = (defaultUrl: string) => ({
  CACHE_REDIS_URL: RedisUrlList(defaultUrl),
  /** Defaults to CACHE_REDIS_URL; production puts queues on a `noeviction` server. */
  QUEUE_REDIS_URL: Type.Optional(RedisUrlList()),
  /** Both connections are Redis Cluster clients. */
  REDIS_CLUSTER: Type.Boolean({ default: false }),
  /** Per connection, over REDIS_CLUSTER. */
  CACHE_REDIS_CLUSTER: Type.Optional(Type.Boolean()),
  /** @defaultValue CACHE_REDIS_CLUSTER when QUEUE_REDIS_URL is unset, else REDIS_CLUSTER */
  QUEUE_REDIS_CLUSTER: Type.Optional(Type.Boolean()),
})

export interface RedisConnections {
  /** One URL, or a cluster's seed nodes separated by commas. */
  readonly cacheRedisUrl: string
  /** @defaultValue cacheRedisUrl */
  readonly queueRedisUrl: string
  /** The cache is a Redis Cluster. @defaultValue false */
  readonly cacheRedisCluster: boolean
  /** The queues are on a Redis Cluster (their prefix then carries a hash tag). @defaultValue false */
  readonly queueRedisCluster: boolean
}

/** The parsed values of `redisEnv`. */
interface RedisVars {
  CACHE_REDIS_URL: string
  QUEUE_REDIS_URL?: string | undefined
  REDIS_CLUSTER: boolean
  CACHE_REDIS_CLUSTER?: boolean | undefined
  QUEUE_REDIS_CLUSTER?: boolean | undefined
}

/** Both connections; throws a ConfigError naming the variable when a list does not fit its mode. */
export function redisConnectionsFrom(vars: RedisVars): RedisConnections {
  const cacheRedisCluster = vars.CACHE_REDIS_CLUSTER ?? vars.REDIS_CLUSTER
  const queueRedisCluster =
    vars.QUEUE_REDIS_CLUSTER ??
    (vars.QUEUE_REDIS_URL === undefined ? cacheRedisCluster : vars.REDIS_CLUSTER)
  const cacheRedisUrl = checkedList('CACHE_REDIS_URL', vars.CACHE_REDIS_URL, cacheRedisCluster)
  const queueRedisUrl =
    vars.QUEUE_REDIS_URL === undefined
      ? checkedList('CACHE_REDIS_URL', cacheRedisUrl, queueRedisCluster)
      : checkedList('QUEUE_REDIS_URL', vars.QUEUE_REDIS_URL, queueRedisCluster)
  return { cacheRedisUrl, queueRedisUrl, cacheRedisCluster, queueRedisCluster }
}

/** The list, normalized (`a,b`), when its length and schemes fit the connection's mode. */
function checkedList(name: string, raw: string, cluster: boolean): string {
  const urls = redisUrls(raw)
  const fail = (why: string) => {
    throw new ConfigError(`invalid configuration:\n  ${name}: ${why}`)
  }
  if (urls.length > 1 && !cluster) {
    fail(
      `lists ${urls.length} servers; a list is a Redis Cluster's seed nodes: set ` +
        'REDIS_CLUSTER=true (or CACHE_REDIS_CLUSTER / QUEUE_REDIS_CLUSTER), or give one URL',
    )
  }
  if (cluster && isSentinelUrl(raw)) {
    fail('is a Sentinel URL, which names one master: a cluster is given by its seed nodes')
  }
  if (new Set(urls.map((url) => url.split(':')[0])).size > 1) {
    fail('mixes redis:// and rediss:// seeds; a cluster is reached with TLS on every node or none')
  }
  return urls.join(',')
}
