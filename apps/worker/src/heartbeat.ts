import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { Keys } from '@marketcache/shared/keys'
import type { RedisClient } from '@marketcache/shared/redis-client'

/** How often a worker process says it is alive, and how long each word lasts. */
const BEAT_MS = 5000
const TTL_MS = 15_000

/** What a heartbeat says: who beats, for which queues, since when (`/health/detailed` lists it). */
export interface Heartbeat {
  id: string
  host: string
  pid: number
  queues: string[]
  started_at: string
  at: string
}

/**
 * Keeps this worker process's heartbeat in the queue Redis: a key with a TTL, refreshed every
 * 5 s, deleted on stop. A process that dies or loses Redis drops out within 15 s.
 */
export function startHeartbeat(
  redis: RedisClient,
  keys: Keys,
  queues: readonly string[],
): { id: string; stop(): Promise<void> } {
  const id = `${hostname()
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .slice(0, 40)}-${process.pid}-${randomBytes(3).toString('hex')}`
  const key = keys.workerHeartbeat(id)
  const started = new Date().toISOString()
  const beat = () => {
    const heartbeat: Heartbeat = {
      id,
      host: hostname(),
      pid: process.pid,
      queues: [...queues],
      started_at: started,
      at: new Date().toISOString(),
    }
    // An outage is logged by the connection; the next beat tries again.
    redis.set(key, JSON.stringify(heartbeat), 'PX', TTL_MS).catch(() => {})
  }
  beat()
  const timer = setInterval(beat, BEAT_MS)
  timer.unref()
  return {
    id,
    async stop() {
      clearInterval(timer)
      await redis.del(key).catch(() => {})
    },
  }
}
