import type { RedisClient } from '@marketcache/shared/redis-client'

/** What health needs of a BullMQ worker. */
interface RunningState {
  isRunning(): boolean
  closing: Promise<void> | undefined
}

/** What `/health` answers: 200 with `ok`, 503 otherwise. */
export interface WorkerHealth {
  status: 'ok' | 'unavailable' | 'starting'
  /** `up` while the connection is ready to take commands. */
  redis?: { cache: 'up' | 'down'; queue: 'up' | 'down' }
  /** Each queue this process consumes: `running` until its BullMQ worker stops or closes. */
  workers?: Record<string, 'running' | 'stopped'>
}

/** Before the worker has connected and started its queues (it may be waiting for Redis). */
export const STARTING: WorkerHealth = { status: 'starting' }

/** Healthy when both Redis connections are ready and every BullMQ worker runs. */
export function workerHealth(deps: {
  cacheRedis: RedisClient
  queueRedis: RedisClient
  workers: Readonly<Record<string, RunningState | undefined>>
}): WorkerHealth {
  const up = (client: RedisClient) => (client.status === 'ready' ? 'up' : 'down')
  const redis = { cache: up(deps.cacheRedis), queue: up(deps.queueRedis) } as const
  const workers: Record<string, 'running' | 'stopped'> = {}
  for (const [queue, worker] of Object.entries(deps.workers)) {
    if (worker) workers[queue] = worker.isRunning() && !worker.closing ? 'running' : 'stopped'
  }
  const ok =
    redis.cache === 'up' &&
    redis.queue === 'up' &&
    Object.values(workers).every((state) => state === 'running')
  return { status: ok ? 'ok' : 'unavailable', redis, workers }
}
