import type { RedisClient } from '@marketcache/shared/redis-client'
import { Queue } from 'bullmq'
import type { ConsumedQueue } from './contracts/queue'
import type { Logger } from './logger'

/** A queue handle per consumed queue, into `queues`; connection errors are reported once. */
export function openQueues(
  queues: Record<ConsumedQueue, Queue>,
  names: readonly ConsumedQueue[],
  deps: {
    queueRedis: RedisClient
    config: { queuePrefix: string }
    logger: Logger
    reportQueueError: (error: unknown) => boolean
  },
): void {
  for (const name of names) {
    queues[name] = new Queue(name, { connection: deps.queueRedis, prefix: deps.config.queuePrefix })
    queues[name].on('error', (error) => {
      if (!deps.reportQueueError(error))
        deps.logger.error({ err: error, queue: name }, 'queue error')
    })
  }
}
