import { AGED_PRIORITY, Priority, type QueueName } from '@marketcache/shared/jobs'
import type { Keys } from '@marketcache/shared/keys'
import { Provider } from '@marketcache/shared/providers'
import { masterNodes, perKey, type RedisClient, scanKeys } from '@marketcache/shared/redis-client'
import type { Queue } from 'bullmq'

/** Each check waits at most this long: a health page that hangs is no health page. */
const CHECK_TIMEOUT_MS = 1000
const STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed'] as const
/** Every priority a waiting job can have, most urgent first (each level is FIFO). */
const LEVELS = [AGED_PRIORITY, ...Object.values(Priority)].sort((a, b) => a - b)

export type RedisHealth = {
  up: boolean
  round_trip_ms?: number
  version?: string
  used_memory?: number
  maxmemory?: number
  maxmemory_policy?: string
  persistence?: { aof: boolean; rdb_last_save: string | null; rdb_changes_since_last_save: number }
  /** A Redis Cluster: each master's own health, by `host:port`; the fields above sum them up. */
  nodes?: Record<string, RedisHealth>
  error?: string
}

export type QueueHealth = {
  counts: Record<(typeof STATES)[number], number>
  /** Age of the oldest job waiting to run, in seconds; null when none waits. */
  oldest_waiting_s: number | null
  /** Worker processes whose heartbeat names this queue. */
  workers: number
  paused: boolean
  /** A provider's rate limit in force (`worker.rateLimit`): ms left, else 0. */
  rate_limited_ms: number
}

export interface DetailedHealthDeps {
  cacheRedis: RedisClient
  queueRedis: RedisClient
  queues: Readonly<Record<QueueName, Queue>>
  keys: Keys
  queueKeys: Keys
}

/** Resolves within CHECK_TIMEOUT_MS or rejects, whatever the command timeout. */
async function bounded<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('no answer within 1 s')), CHECK_TIMEOUT_MS)
  })
  try {
    return await Promise.race([work, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Round trip, version, memory, eviction policy and persistence of one Redis, from INFO. On a
 * cluster INFO answers for one node only, so each master is asked: up when all are, the slowest
 * round trip, memory summed, the policy when every master has the same one (else `mixed`).
 */
export async function redisHealth(redis: RedisClient): Promise<RedisHealth> {
  if (!redis.isCluster) return nodeHealth(redis)
  const masters = masterNodes(redis)
  if (redis.status !== 'ready' || masters.length === 0) {
    return { up: false, error: `the cluster is not ready (${redis.status})` }
  }
  const nodes = await Promise.all(masters.map(nodeHealth))
  const policies = new Set(nodes.map((node) => node.maxmemory_policy))
  const sum = (field: 'used_memory' | 'maxmemory') =>
    nodes.reduce((total, node) => total + (node[field] ?? 0), 0)
  const down = nodes.find((node) => !node.up)
  return {
    up: down === undefined,
    round_trip_ms: Math.max(...nodes.map((node) => node.round_trip_ms ?? 0)),
    ...(nodes[0]?.version ? { version: nodes[0].version } : {}),
    used_memory: sum('used_memory'),
    maxmemory: sum('maxmemory'),
    maxmemory_policy: policies.size === 1 ? [...policies][0] : 'mixed',
    nodes: Object.fromEntries(
      masters.map((node, index) => [`${node.options.host}:${node.options.port}`, nodes[index]!]),
    ),
    ...(down ? { error: `a cluster master does not answer: ${down.error}` } : {}),
  }
}

async function nodeHealth(redis: RedisClient): Promise<RedisHealth> {
  try {
    const started = performance.now()
    await bounded(redis.ping())
    const round_trip_ms = Math.round((performance.now() - started) * 1000) / 1000
    const text = await bounded(redis.info())
    const info = Object.fromEntries(
      text.split(/\r?\n/).flatMap((line) => {
        const at = line.indexOf(':')
        return at > 0 && !line.startsWith('#') ? [[line.slice(0, at), line.slice(at + 1)]] : []
      }),
    )
    const lastSave = Number(info.rdb_last_save_time ?? 0)
    return {
      up: true,
      round_trip_ms,
      version: info.redis_version,
      used_memory: Number(info.used_memory ?? 0),
      maxmemory: Number(info.maxmemory ?? 0),
      maxmemory_policy: info.maxmemory_policy,
      persistence: {
        aof: info.aof_enabled === '1',
        rdb_last_save: lastSave > 0 ? new Date(lastSave * 1000).toISOString() : null,
        rdb_changes_since_last_save: Number(info.rdb_changes_since_last_save ?? 0),
      },
    }
  } catch (error) {
    return { up: false, error: (error as Error).message }
  }
}

/**
 * Depth by state, the oldest waiting job (the head of each priority level, each FIFO), pause and
 * rate limit. A few commands per queue; nothing is scanned.
 */
export async function queueHealth(
  queue: Queue,
  redis: RedisClient,
  workers: number,
): Promise<QueueHealth> {
  const limiterKey = queue.keys.limiter ?? queue.toKey('limiter')
  const [counts, perLevel, paused, limiter] = await bounded(
    Promise.all([
      queue.getJobCounts(...STATES),
      queue.getCountsPerPriority(LEVELS),
      queue.isPaused(),
      Promise.all([redis.get(limiterKey), redis.pttl(limiterKey)]),
    ]),
  )
  let start = 0
  const heads: Promise<{ timestamp: number }[]>[] = [queue.getJobs(['wait'], 0, 0, true)]
  for (const level of LEVELS) {
    const count = perLevel[String(level)] ?? 0
    if (count > 0) heads.push(queue.getPrioritized(start, start))
    start += count
  }
  const oldest = Math.min(...(await bounded(Promise.all(heads))).flat().map((job) => job.timestamp))
  const [value, ttl] = limiter
  return {
    counts: counts as QueueHealth['counts'],
    oldest_waiting_s: Number.isFinite(oldest) ? Math.max(0, (Date.now() - oldest) / 1000) : null,
    workers,
    paused,
    rate_limited_ms: Number(value) === Number.MAX_SAFE_INTEGER && ttl > 0 ? ttl : 0,
  }
}

/** The live worker processes: their heartbeats, which expire 15 s after the last beat. */
export async function heartbeats(
  redis: RedisClient,
  queueKeys: Keys,
): Promise<Record<string, unknown>[]> {
  const found: string[] = []
  // A cluster keeps the heartbeats (hash-tagged like the queues) on one master; each is scanned.
  for await (const { keys } of scanKeys(redis, queueKeys.workerHeartbeatPattern(), 200)) {
    found.push(...keys)
    if (found.length >= 1000) break
  }
  const values = (await perKey(redis, found, (client, key) => client.get(key))).map(
    ([, value]) => value as string | null,
  )
  return values.flatMap((value) => {
    try {
      return value ? [JSON.parse(value) as Record<string, unknown>] : []
    } catch {
      return []
    }
  })
}

/** Each provider's last success and failure, as the worker records them. */
export async function providerHealth(redis: RedisClient, keys: Keys) {
  const fields = await bounded(redis.hgetall(keys.providerHealth()))
  const at = (value: string | undefined) => (value ? new Date(Number(value)).toISOString() : null)
  return Object.fromEntries(
    Object.values(Provider).map((provider) => [
      provider,
      {
        last_success: at(fields[`${provider}.success`]),
        last_failure: at(fields[`${provider}.failure`]),
        last_failure_status: fields[`${provider}.failure_status`] ?? null,
      },
    ]),
  )
}
