import { type AnyDataset, cacheKey } from '@marketcache/shared/dataset'
import { type JobOrigin, type JobRequest, producerJobOptions } from '@marketcache/shared/jobs'
import { Keys } from '@marketcache/shared/keys'
import type { Static } from '@sinclair/typebox'
import type { Job } from 'bullmq'
import type { ConsumedQueue } from '../../src/contracts/queue'
import { createLogger } from '../../src/logger'
import { type RunningWorker, startWorker } from '../../src/start-worker'
import { testConfig, testRedis } from '../support/config'
import { settled } from '../support/wait'

export interface DeriveHarness extends ReturnType<typeof testRedis> {
  worker: RunningWorker
  /** Enqueues like a producer does (payload + origin, shared job options), on the request's queue. */
  add(request: JobRequest, origin?: JobOrigin): Promise<Job & { id: string }>
  /** Adds the request and waits until its job has completed or failed. */
  run(request: JobRequest, origin?: JobOrigin): Promise<Job>
  /** Every job of that name the queue still holds, in any state. */
  jobs(queue: ConsumedQueue, name: JobRequest['name']): Promise<Job[]>
  key<D extends AnyDataset>(dataset: D, params: Static<D['params']>): string
  stop(): Promise<void>
}

/**
 * The whole worker (`startWorker`: every queue, the writer's recompute hook) on this test's own
 * prefixes, with Bybit and IBKR pointed at the simulator at `origin`.
 */
export async function startDeriveHarness(origin: string): Promise<DeriveHarness> {
  const t = testRedis()
  const config = testConfig(t, {
    BYBIT_BASE_URL: origin,
    BYBIT_RATE_MAX: '1000',
    BYBIT_TIMEOUT_MS: '5000',
    IBKR_BASE_URL: `${origin}/v1/api`,
  })
  const worker = await startWorker(config, { logger: createLogger('silent') })
  const keys = new Keys(t.keyPrefix)
  const add = async (request: JobRequest, origin: JobOrigin = 'miss') => {
    const job = await worker.queues[request.queue as ConsumedQueue].add(
      request.name,
      { ...request.data, origin },
      producerJobOptions(request, origin),
    )
    return job as Job & { id: string }
  }
  return {
    ...t,
    worker,
    add,
    async run(request, origin) {
      const job = await add(request, origin)
      return settled(worker.queues[request.queue as ConsumedQueue], job.id, 30_000)
    },
    async jobs(queue, name) {
      const all = await worker.queues[queue].getJobs([
        'completed',
        'failed',
        'active',
        'waiting',
        'prioritized',
        'delayed',
      ])
      return all.filter((job) => job.name === name)
    },
    key: (dataset, params) => cacheKey(keys, dataset, params),
    async stop() {
      await worker.close()
      await t.cleanup()
    },
  }
}
