import { type AnyDataset, cacheKey } from '@marketcache/shared/dataset'
import { type JobOrigin, type JobRequest, producerJobOptions } from '@marketcache/shared/jobs'
import { Keys } from '@marketcache/shared/keys'
import type { Static } from '@sinclair/typebox'
import { type Job, Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { inject } from 'vitest'
import type { WorkerConfig } from '../../src/config'
import { createQueueWorker, type ProviderWorker } from '../../src/job-runner'
import { createLogger, type Logger } from '../../src/logger'
import { createProcessorContext } from '../../src/processor-context'
import { ProviderCallCounter } from '../../src/provider-calls'
import { bybitQueue } from '../../src/queues/bybit'
import { createQueueRedis } from '../../src/redis'
import { testConfig, testRedis } from '../support/config'

type BybitRequest = Extract<JobRequest, { queue: 'bybit' }>

export interface BybitHarness extends ReturnType<typeof testRedis> {
  config: WorkerConfig
  queue: Queue
  worker: ProviderWorker
  /** Enqueues like a producer does: payload + origin, shared job options. */
  add(
    request: BybitRequest,
    origin?: JobOrigin,
    options?: Parameters<typeof producerJobOptions>[2],
  ): Promise<Job & { id: string }>
  key<D extends AnyDataset>(dataset: D, params: Static<D['params']>): string
  stop(): Promise<void>
}

/**
 * The `bybit` queue exactly as the worker runs it (bybitQueue + createQueueWorker, real Redis and
 * BullMQ) on this file's own prefixes, pointed at `baseUrl`. The other queues stay out of it.
 */
export async function startBybitHarness(
  baseUrl: string,
  options: { env?: Record<string, string>; logger?: Logger } = {},
): Promise<BybitHarness> {
  const t = testRedis()
  const config = testConfig(t, {
    BYBIT_BASE_URL: baseUrl,
    BYBIT_RATE_MAX: '1000',
    BYBIT_TIMEOUT_MS: '1000',
    ...options.env,
  })
  const logger = options.logger ?? createLogger('silent')
  const cacheRedis = new Redis(inject('redisUrl'))
  const queueRedis = createQueueRedis(inject('redisUrl'))
  const keys = new Keys(t.keyPrefix)
  const context = createProcessorContext({
    cacheRedis: cacheRedis,
    keys,
    freshness: config.freshness,
    logger,
    now: Date.now,
    // This harness runs no derived job, so nothing may ask it to fetch inputs.
    enqueue: () => Promise.reject(new Error('enqueue is not wired in this harness')),
  })
  const spec = bybitQueue(config, {
    context,
    counter: new ProviderCallCounter(cacheRedis, keys, logger),
  })
  const worker = createQueueWorker(spec, {
    connection: queueRedis,
    prefix: config.queuePrefix,
    writer: context.writer,
    backoff: config.backoff,
    logger,
  })
  const queue = new Queue('bybit', { connection: queueRedis, prefix: config.queuePrefix })
  await worker.waitUntilReady()
  worker.run().catch((error: unknown) => logger.error({ err: error }, 'worker stopped'))

  return {
    ...t,
    config,
    queue,
    worker,
    async add(request, origin = 'miss', jobOptions) {
      const job = await queue.add(
        request.name,
        { ...request.data, origin } as never,
        producerJobOptions(request, origin, jobOptions),
      )
      return job as Job & { id: string }
    },
    key: (dataset, params) => cacheKey(keys, dataset, params),
    async stop() {
      await worker.close()
      await queue.close()
      await spec.close()
      await queueRedis.quit()
      await cacheRedis.quit()
      await t.cleanup()
    },
  }
}
