import {
  type ChainableCommander,
  Cluster,
  type ClusterOptions,
  Redis,
  type RedisOptions,
} from 'ioredis'

/**
 * The one place that turns a configured Redis into an ioredis client: a single server (named by
 * its URL, or by Sentinel) or a Redis Cluster, from the same URL syntax. Each app keeps its own factory (its options, its names) and
 * calls this; everything else takes the client it is given, of either kind.
 */

/** A single server or a cluster: both apps accept either wherever they take a client. */
export type RedisClient = Redis | Cluster

/** Where commands of one batch are queued: a client, or a pipeline of one server. */
export type RedisCommander = RedisClient | ChainableCommander

/**
 * A master that Redis Sentinel names: `redis+sentinel://[user:password@]host:26379[,host:26379…]
 * /<master name>[/<db>]` (`rediss+sentinel://` with TLS to the master and the sentinels). The
 * credentials are the master's; the client asks the sentinels where it is, and again after a
 * failover.
 */
const SENTINEL_URL = /^(rediss?)\+sentinel:\/\/(?:([^@/]*)@)?([^/]+)\/([^/]+)(?:\/(\d+))?\/?$/

/** Whether `url` names a master through Sentinel (see SENTINEL_URL). */
export function isSentinelUrl(url: string): boolean {
  return /^rediss?\+sentinel:\/\//.test(url.trim())
}

/**
 * `redis://a:6379, redis://b:6379` → each URL, trimmed; empty entries dropped. A Sentinel URL is
 * one URL, whose commas separate its sentinels.
 */
export function redisUrls(list: string): string[] {
  if (isSentinelUrl(list)) return [list.trim()]
  return list
    .split(',')
    .map((url) => url.trim())
    .filter((url) => url !== '')
}

/** The ioredis options of a Sentinel URL. */
function sentinelOptions(url: string): RedisOptions {
  const match = SENTINEL_URL.exec(url)
  if (!match) {
    throw new Error(
      'a Sentinel URL is redis+sentinel://[user:password@]host:port[,host:port]/<master name>[/<db>]',
    )
  }
  const [, scheme, auth, hosts, name, db] = match as unknown as string[]
  const options: RedisOptions = {
    name: decodeURIComponent(name as string),
    sentinels: (hosts as string).split(',').map((hostPort) => {
      const [host, port] = hostPort.trim().split(':')
      return { host: host as string, port: Number(port || 26379) }
    }),
  }
  if (auth) {
    const [user, password] = auth.split(':')
    if (user) options.username = decodeURIComponent(user)
    if (password !== undefined) options.password = decodeURIComponent(password)
  }
  if (db) options.db = Number(db)
  if (scheme === 'rediss') {
    options.tls = {}
    options.enableTLSForSentinelMode = true
  }
  return options
}

/**
 * Options of a cluster client from those of a single-server one. The offline queue, automatic
 * pipelining and the reconnect policy belong to the cluster (ioredis ignores them per node, where a lost node waits
 * for MOVED and a slot refresh); credentials, TLS and timeouts go to every node it discovers.
 */
function clusterOptionsOf(options: RedisOptions): ClusterOptions {
  const { enableOfflineQueue, enableAutoPipelining, retryStrategy, ...perNode } = options
  return {
    ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
    // A cluster client pipelines per node itself.
    ...(enableAutoPipelining === undefined ? {} : { enableAutoPipelining }),
    ...(retryStrategy ? { clusterRetryStrategy: (times: number) => retryStrategy(times) } : {}),
    redisOptions: perNode,
  }
}

/** The credentials and TLS of a seed URL, which the cluster's other nodes are reached with too. */
function seedOptions(url: string): { host: string; port: number; node: RedisOptions } {
  const parsed = new URL(url)
  const node: RedisOptions = {}
  if (parsed.username) node.username = decodeURIComponent(parsed.username)
  if (parsed.password) node.password = decodeURIComponent(parsed.password)
  if (parsed.protocol === 'rediss:') node.tls = {}
  return { host: parsed.hostname, port: Number(parsed.port || 6379), node }
}

/**
 * A client of `urls` (a comma-separated list; one URL unless `cluster`). For a cluster the URLs
 * are seeds: any reachable one tells the client the rest. Credentials and TLS come from the first.
 */
export function createRedisClient(
  urls: string,
  cluster: boolean,
  options: RedisOptions,
): RedisClient {
  const list = redisUrls(urls)
  const [first] = list
  if (first === undefined) throw new Error('no Redis URL given')
  if (!cluster) {
    if (list.length > 1) throw new Error('several Redis URLs given for a single server')
    return isSentinelUrl(first)
      ? new Redis({ ...sentinelOptions(first), ...options })
      : new Redis(first, options)
  }
  if (isSentinelUrl(first)) throw new Error('a Sentinel URL names one master, not a cluster')
  const seeds = list.map(seedOptions)
  const { redisOptions, ...rest } = clusterOptionsOf(options)
  return new Cluster(
    seeds.map(({ host, port }) => ({ host, port })),
    { ...rest, redisOptions: { ...redisOptions, ...seeds[0]?.node } },
  )
}

/** Another connection like `client` (for pub/sub, or a blocking command), with `options` over its own. */
export function duplicateClient(client: RedisClient, options: RedisOptions): RedisClient {
  if (!client.isCluster) return (client as Redis).duplicate(options)
  const cluster = client as Cluster
  const { redisOptions, ...rest } = clusterOptionsOf(options)
  return cluster.duplicate([], {
    ...rest,
    redisOptions: { ...cluster.options.redisOptions, ...redisOptions },
  })
}

/** The servers holding keys: a cluster's masters, or the one server. */
export function masterNodes(client: RedisClient): Redis[] {
  return client.isCluster ? (client as Cluster).nodes('master') : [client as Redis]
}

/**
 * `CONFIG GET` of each server whose settings count: a cluster's masters (settings are per node),
 * or the one server. A cluster that does not know its masters yet is asked through its client,
 * which waits for it.
 */
export function configGetters(client: RedisClient): ((parameter: string) => Promise<unknown>)[] {
  const masters = masterNodes(client)
  const servers: RedisClient[] = masters.length > 0 ? masters : [client]
  return servers.map((server) => (parameter: string) => server.config('GET', parameter))
}

/**
 * SCAN over every server holding keys: each batch comes with the server it was found on, so a
 * caller can act on those keys there. A key may come more than once (SCAN's own guarantee).
 */
export async function* scanKeys(
  client: RedisClient,
  pattern: string,
  count: number,
): AsyncGenerator<{ node: Redis; keys: string[] }> {
  for (const node of masterNodes(client)) {
    let cursor = '0'
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', count)
      cursor = next
      if (keys.length > 0) yield { node, keys }
    } while (cursor !== '0')
  }
}

/** One command's reply in a batch: its error, or null and the result. */
export type BatchReply = [error: Error | null, result: unknown]

/**
 * One command per item, each on keys of one slot: one pipeline (one round trip) on a single
 * server; on a cluster, parallel commands that ioredis routes to each key's node (a pipeline there
 * may only hold keys of one node). Replies come in the order of `items`; a failed command's reply
 * carries its error, the others still run.
 */
export async function perKey<T>(
  client: RedisClient,
  items: readonly T[],
  command: (commander: RedisCommander, item: T) => Promise<unknown> | unknown,
): Promise<BatchReply[]> {
  if (items.length === 0) return []
  if (client.isCluster || items.length === 1) {
    return Promise.all(
      items.map(async (item): Promise<BatchReply> => {
        try {
          return [null, await command(client, item)]
        } catch (error) {
          return [error as Error, null]
        }
      }),
    )
  }
  const pipeline = client.pipeline()
  for (const item of items) command(pipeline, item)
  return ((await pipeline.exec()) ?? []) as BatchReply[]
}
