import { cacheKey } from '@marketcache/shared/dataset'
import { type JobOrigin, type JobRequest, producerJobOptions } from '@marketcache/shared/jobs'
import { Keys } from '@marketcache/shared/keys'
import { type DatasetName, datasets } from '@marketcache/shared/registry'
import type { Job } from 'bullmq'
import type { WorkerConfig } from '../../src/config'
import type { Logger } from '../../src/logger'
import { type RunningWorker, startWorker } from '../../src/start-worker'
import { testConfig, testRedis } from './config'

export interface Harness extends ReturnType<typeof testRedis> {
  config: WorkerConfig
  worker: RunningWorker
  keys: Keys
  /** Enqueues like a producer does: payload + origin, shared job options. */
  add(
    request: JobRequest,
    origin?: JobOrigin,
    options?: Parameters<typeof producerJobOptions>[2],
  ): Promise<Job & { id: string }>
  key(dataset: DatasetName, id: string): string
  stop(): Promise<void>
}

/** A started worker on its own prefixes, pointed at `baseUrl`. */
export async function startHarness(
  baseUrl: string,
  options: { env?: Record<string, string>; logger?: Logger } = {},
): Promise<Harness> {
  const t = testRedis()
  const config = testConfig(t, { COINGECKO_BASE_URL: baseUrl, ...options.env })
  const worker = await startWorker(config, options.logger ? { logger: options.logger } : {})
  const keys = new Keys(t.keyPrefix)
  return {
    ...t,
    config,
    worker,
    keys,
    async add(request, origin = 'miss', jobOptions) {
      const job = await worker.queues.coingecko.add(
        request.name,
        { ...request.data, origin },
        producerJobOptions(request, origin, jobOptions),
      )
      return job as Job & { id: string }
    },
    key: (dataset, id) => cacheKey(keys, datasets[dataset], { id }),
    async stop() {
      await worker.close()
      await t.cleanup()
    },
  }
}
