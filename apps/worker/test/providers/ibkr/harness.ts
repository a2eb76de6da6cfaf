import type { AnyDataset } from '@marketcache/shared/dataset'
import { cacheKey } from '@marketcache/shared/dataset'
import { type JobOrigin, type JobRequest, producerJobOptions } from '@marketcache/shared/jobs'
import { Keys } from '@marketcache/shared/keys'
import type { Static } from '@sinclair/typebox'
import { type Job, Queue } from 'bullmq'
import type { WorkerConfig } from '../../../src/config'
import { createQueueWorker, type ProviderWorker } from '../../../src/job-runner'
import { createLogger, type Logger } from '../../../src/logger'
import { createProcessorContext } from '../../../src/processor-context'
import { ProviderCallCounter } from '../../../src/provider-calls'
import { ibkrQueue } from '../../../src/queues/ibkr'
import { createQueueRedis } from '../../../src/redis'
import { testConfig, testRedis } from '../../support/config'
import { settled } from '../../support/wait'

export type IbkrRequest = Extract<JobRequest, { queue: 'ibkr' }>

export interface IbkrHarness extends ReturnType<typeof testRedis> {
  config: WorkerConfig
  keys: Keys
  queue: Queue
  worker: ProviderWorker
  /** Enqueues like a producer does: payload + origin, shared job options. */
  add(request: IbkrRequest, origin?: JobOrigin, attempts?: number): Promise<Job & { id: string }>
  /** Enqueues and waits until the job completed or failed. */
  run(request: IbkrRequest, attempts?: number): Promise<Job>
  key<D extends AnyDataset>(dataset: D, params: Static<D['params']>): string
  stop(): Promise<void>
}

/**
 * The real `ibkr` queue (processors, limiter, BullMQ worker and error policy) on its own
 * prefixes, pointed at `baseUrl`: the worker's wiring for this one queue, so these tests do not
 * depend on the other providers' queues. Small chains unless `env` says otherwise.
 */
export async function startIbkrHarness(
  baseUrl: string,
  env: Record<string, string> = {},
  logger: Logger = createLogger('silent'),
): Promise<IbkrHarness> {
  const t = testRedis()
  const config = testConfig(t, {
    IBKR_BASE_URL: baseUrl,
    IBKR_TIMEOUT_MS: '2000',
    IBKR_CHAIN_MONTHS: '1',
    IBKR_CHAIN_STRIKES: '3',
    ...env,
  })
  const keys = new Keys(t.keyPrefix)
  const cacheRedis = t.redis.duplicate()
  const queueRedis = createQueueRedis(config.queueRedisUrl, 'mc-test-ibkr')
  const context = createProcessorContext({
    cacheRedis: cacheRedis,
    keys,
    freshness: config.freshness,
    logger,
    now: Date.now,
    // This harness runs no derived job, so nothing may ask it to fetch inputs.
    enqueue: () => Promise.reject(new Error('enqueue is not wired in this harness')),
  })
  const spec = ibkrQueue(config, {
    context,
    counter: new ProviderCallCounter(cacheRedis, keys, logger),
  })
  const queue = new Queue('ibkr', { connection: queueRedis, prefix: config.queuePrefix })
  const worker = createQueueWorker(spec, {
    connection: queueRedis,
    prefix: config.queuePrefix,
    writer: context.writer,
    backoff: config.backoff,
    logger,
  })
  await worker.waitUntilReady()
  void worker.run()

  const add: IbkrHarness['add'] = async (request, origin = 'miss', attempts) => {
    const job = await queue.add(
      request.name,
      { ...request.data, origin },
      producerJobOptions(request, origin, attempts === undefined ? {} : { attempts }),
    )
    return job as Job & { id: string }
  }
  return {
    ...t,
    config,
    keys,
    queue,
    worker,
    add,
    run: async (request, attempts) => settled(queue, (await add(request, 'miss', attempts)).id),
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
