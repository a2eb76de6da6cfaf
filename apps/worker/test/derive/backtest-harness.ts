import type { AddressInfo } from 'node:net'
import { cacheKey } from '@marketcache/shared/dataset'
import { backtest } from '@marketcache/shared/datasets/backtest'
import {
  BACKTEST_DEFAULTS,
  type BacktestParams,
} from '@marketcache/shared/datasets/backtest-params'
import { type JobOrigin, type JobRequest, producerJobOptions } from '@marketcache/shared/jobs'
import { Keys } from '@marketcache/shared/keys'
import { buildSimulator } from '@marketcache/simulator/app'
import type { StatsSnapshot } from '@marketcache/simulator/stats'
import type { Job } from 'bullmq'
import type { WorkerConfig } from '../../src/config'
import { type RunningWorker, startWorker } from '../../src/start-worker'
import { testConfig, testRedis } from '../support/config'

export interface BacktestHarness extends ReturnType<typeof testRedis> {
  config: WorkerConfig
  worker: RunningWorker
  keys: Keys
  /** Calls the simulator has answered since it started (or since `resetStats`). */
  stats(): Promise<StatsSnapshot>
  /** Kline calls the simulator has answered: one per `ohlcv` fetch. */
  klineCalls(): Promise<number>
  /** Enqueues a `derive.backtest` like a producer does: payload + origin, shared options. */
  add(params: BacktestParams, origin?: JobOrigin): Promise<Job & { id: string }>
  key(params: BacktestParams): string
  stop(): Promise<void>
}

/** Canonical params: the defaults, a symbol and any overrides. */
export function backtestParams(
  symbol: string,
  overrides: Partial<BacktestParams> = {},
): BacktestParams {
  return { ...BACKTEST_DEFAULTS, exchange: 'bybit', symbol, ...overrides }
}

/**
 * A whole worker (every queue, real Redis and BullMQ) on this file's prefixes, against a
 * simulator without Bybit limits; the worker's own Bybit limiter is set high so batches are quick.
 */
export async function startBacktestHarness(): Promise<BacktestHarness> {
  const sim = await buildSimulator({
    seed: 7,
    latencyMs: 0,
    quotaPerWindow: 0,
    bybit: { rateLimitPerSecond: 0, ipLimitPer5s: 0 },
  })
  await sim.listen({ port: 0, host: '127.0.0.1' })
  const origin = `http://127.0.0.1:${(sim.server.address() as AddressInfo).port}`
  const t = testRedis()
  const config = testConfig(t, {
    BYBIT_BASE_URL: origin,
    BYBIT_RATE_MAX: '10000',
    BYBIT_CONCURRENCY: '16',
    BYBIT_TIMEOUT_MS: '5000',
    DERIVE_CONCURRENCY: '16',
  })
  const worker = await startWorker(config)
  const keys = new Keys(t.keyPrefix)
  const stats = async () => (await (await fetch(`${origin}/__sim/stats`)).json()) as StatsSnapshot
  return {
    ...t,
    config,
    worker,
    keys,
    stats,
    klineCalls: async () => (await stats()).byEndpoint['/v5/market/kline'] ?? 0,
    async add(params, jobOrigin = 'miss') {
      const request = {
        queue: 'derive',
        name: 'derive.backtest',
        data: params,
      } as const satisfies JobRequest
      const job = await worker.queues.derive.add(
        request.name,
        { ...request.data, origin: jobOrigin },
        producerJobOptions(request, jobOrigin),
      )
      return job as Job & { id: string }
    },
    key: (params) => cacheKey(keys, backtest, params),
    async stop() {
      await worker.close()
      await sim.close()
      await t.cleanup()
    },
  }
}
