import { Provider, type ProviderName } from '@marketcache/shared/providers'
import type { RedisClient } from '@marketcache/shared/redis-client'
import type { Queue } from 'bullmq'
import type { Logger } from '../logger'
import type { QueueSnapshot } from './worker-metrics'

/** The states a queue gauge reports; each is one LLEN or ZCARD in BullMQ's getCounts script. */
const STATES = [
  'waiting',
  'prioritized',
  'active',
  'delayed',
  'waiting-children',
  'failed',
  'completed',
] as const

/** A scrape that waits longer than this reports no queue gauges rather than hang the scraper. */
const SNAPSHOT_TIMEOUT_MS = 2000

export interface WatchedQueue {
  queue: Queue
  /** Written as entries' `source`: a provider, or `derived` (no provider quota). */
  provider: string
  limiter: { max: number }
}

/**
 * Reads what the queue gauges show, cheaply enough for every scrape of every replica: per queue
 * one getCounts script, one read of the job that runs next (the oldest of the wait list and the
 * head of the prioritized set) and one GET of the limiter window. Nothing is scanned. With the
 * queue Redis away it answers null at once: BullMQ's connection would queue the commands forever.
 */
export function queueSnapshot(
  watched: readonly WatchedQueue[],
  deps: { redis: RedisClient; logger: Logger },
): () => Promise<QueueSnapshot | null> {
  return async () => {
    if (deps.redis.status !== 'ready') return null
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), SNAPSHOT_TIMEOUT_MS)
    })
    const read = readSnapshot(watched, deps.redis).catch((error: unknown) => {
      deps.logger.debug({ err: error }, 'queue gauges not read')
      return null
    })
    try {
      return await Promise.race([read, timeout])
    } finally {
      clearTimeout(timer)
    }
  }
}

async function readSnapshot(
  watched: readonly WatchedQueue[],
  redis: RedisClient,
): Promise<QueueSnapshot> {
  const queues = Promise.all(
    watched.map(async ({ queue }) => {
      const [counts, next] = await Promise.all([
        queue.getJobCounts(...STATES),
        // One job per state: the wait list's oldest and the prioritized set's first.
        queue.getJobs(['waiting', 'prioritized'], 0, 0, true),
      ])
      const created = next.flatMap((job) => (job ? [job.timestamp] : []))
      return {
        queue: queue.name,
        counts,
        nextCreatedAt: created.length === 0 ? null : Math.min(...created),
      }
    }),
  )
  const limiters = Promise.all(
    watched.flatMap(({ queue, provider, limiter }) =>
      isProvider(provider)
        ? [
            redis
              .get(queue.toKey('limiter'))
              .then((used) => ({ provider, used: Number(used) || 0, max: limiter.max })),
          ]
        : [],
    ),
  )
  return { queues: await queues, limiters: await limiters }
}

function isProvider(source: string): source is ProviderName {
  return (Object.values(Provider) as string[]).includes(source)
}
