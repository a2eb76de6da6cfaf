import { buildApp } from '@marketcache/api/app'
import { loadConfig as loadApiConfig } from '@marketcache/api/config'
import { createApiClients } from '@marketcache/api/redis-clients'
import { deletePrefix, testPrefix } from '@marketcache/devkit/redis'
import { simulatedProviderUrls } from '@marketcache/devkit/simulated-providers'
import { createRedisClient, type RedisClient } from '@marketcache/shared/redis-client'
import { buildSimulator, type SimulatorOptions } from '@marketcache/simulator/app'
import type { StatsSnapshot } from '@marketcache/simulator/stats'
import { loadConfig as loadWorkerConfig } from '@marketcache/worker/config'
import { createLogger } from '@marketcache/worker/logger'
import { serveMetrics } from '@marketcache/worker/metrics/server'
import { startWorker } from '@marketcache/worker/worker'

export const WRITE_KEY = 'e2e-write-key-0123456789'

/** What the simulator's `GET /__sim/stats` returns. */
export type SimStats = StatsSnapshot

export interface Stack {
  api: string
  /** Every API process's base URL, the first being `api`. */
  apis: string[]
  sim: string
  /** The worker's `/metrics` and `/health` listener. */
  worker: string
  keyPrefix: string
  /** BullMQ's prefix as the apps use it (hash-tagged on a cluster), to inspect the queues. */
  queuePrefix: string
  /** GET on the API. */
  get(path: string, headers?: Record<string, string>): Promise<Response>
  /** POST JSON on the API with the write key. */
  post(path: string, body: unknown): Promise<Response>
  simStats(): Promise<SimStats>
  setFaults(faults: Record<string, unknown>): Promise<void>
  /** A client of the stack's Redis: a cluster client on a cluster. */
  redis: RedisClient
  close(): Promise<void>
}

export interface StackOptions {
  /** One URL, or a cluster's seed nodes separated by commas. */
  redisUrl: string
  /** `redisUrl` is a Redis Cluster. @defaultValue false */
  redisCluster?: boolean
  /**
   * The simulator's options over the stack's own (no latency, no quota, no logger): e.g. `seed`,
   * `coins` (how many coins CoinGecko lists, 300 by default), `latencyMs`, `faults`.
   */
  sim?: SimulatorOptions
  workerEnv?: Record<string, string>
  apiEnv?: Record<string, string>
  /** More API processes on the same prefixes, as replicas behind a load balancer. @defaultValue 0 */
  apiReplicas?: number
}

/**
 * The whole stack in this process, on its own key and queue prefixes: the simulator as upstream,
 * one worker, and the API listening on a real port. Used by the end-to-end tests and the bench.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const { redisUrl } = options
  const cluster = options.redisCluster ?? false
  const keyPrefix = testPrefix('mc')
  const common = {
    CACHE_REDIS_URL: redisUrl,
    REDIS_CLUSTER: String(cluster),
    KEY_PREFIX: keyPrefix,
    QUEUE_PREFIX: testPrefix('q'),
    LOG_LEVEL: 'silent',
  }

  const simulator = await buildSimulator({
    latencyMs: 0,
    quotaPerWindow: 0,
    logger: false,
    ...options.sim,
  })
  const sim = await simulator.listen({ port: 0, host: '127.0.0.1' })

  const worker = await startWorker(
    loadWorkerConfig({
      ...common,
      ...simulatedProviderUrls(sim),
      COINGECKO_RATE_MAX: '1000',
      COINGECKO_RATE_DURATION_MS: '1000',
      BACKOFF_BASE_MS: '50',
      BACKOFF_MAX_MS: '200',
      WARM_SCHEDULES: '[]',
      ...options.workerEnv,
    }),
  )

  const workerMetrics = await serveMetrics(
    { registry: worker.metrics.registry, health: () => worker.health() },
    { host: '127.0.0.1', port: 0, logger: createLogger('silent') },
  )

  const apiConfig = loadApiConfig({
    ...common,
    API_KEYS: `${WRITE_KEY}:write|admin`,
    ...options.apiEnv,
  })
  const apps = await Promise.all(
    Array.from({ length: 1 + (options.apiReplicas ?? 0) }, () =>
      buildApp({ config: apiConfig, ...createApiClients(apiConfig) }),
    ),
  )
  const apis = await Promise.all(apps.map((app) => app.listen({ port: 0, host: '127.0.0.1' })))
  const api = apis[0] as string
  const queuePrefix = apiConfig.queuePrefix
  const redis = createRedisClient(redisUrl, cluster, {})

  return {
    api,
    apis,
    sim,
    worker: workerMetrics.url,
    keyPrefix,
    queuePrefix,
    redis,
    get: (path, headers = {}) => fetch(`${api}${path}`, { headers }),
    post: (path, body) =>
      fetch(`${api}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${WRITE_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    simStats: async () => (await (await fetch(`${sim}/__sim/stats`)).json()) as SimStats,
    setFaults: async (faults) => {
      const response = await fetch(`${sim}/__sim/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(faults),
      })
      if (!response.ok) throw new Error(`simulator refused faults: ${await response.text()}`)
    },
    async close() {
      await Promise.all(apps.map((app) => app.close()))
      await worker.close()
      await workerMetrics.close()
      await simulator.close()
      await deletePrefix(redis, keyPrefix)
      await deletePrefix(redis, queuePrefix)
      redis.disconnect()
    },
  }
}

/** Polls until `check` returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
