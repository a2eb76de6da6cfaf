import {
  BACKTEST_DEFAULTS,
  type BacktestParams,
} from '@marketcache/shared/datasets/backtest-params'
import type { JobRequest } from '@marketcache/shared/jobs'
import type { HarnessOptions } from '../support/harness'
import { NO_BYBIT_LIMITS, type RunningSimulator, startSimulator } from '../support/simulator'

/** Canonical params: the defaults, a symbol and any overrides. */
export function backtestParams(
  symbol: string,
  overrides: Partial<BacktestParams> = {},
): BacktestParams {
  return { ...BACKTEST_DEFAULTS, exchange: 'bybit', symbol, ...overrides }
}

/** A `derive.backtest` request, as a producer sends it. */
export function backtestJob(params: BacktestParams): JobRequest {
  return { queue: 'derive', name: 'derive.backtest', data: params }
}

/**
 * The whole worker against a simulator without Bybit limits; the worker's own Bybit limiter is
 * set high so batches are quick. The simulator keeps its counts across the file's tests.
 */
export const BACKTEST_HARNESS = {
  upstream: () => startSimulator({ bybit: NO_BYBIT_LIMITS }),
  env: { BYBIT_RATE_MAX: '10000', BYBIT_CONCURRENCY: '16', DERIVE_CONCURRENCY: '16' },
  resetUpstream: false,
} satisfies HarnessOptions<RunningSimulator> & { resetUpstream: boolean }

/** Kline calls the simulator has answered: one per `ohlcv` fetch. */
export async function klineCalls(sim: RunningSimulator): Promise<number> {
  return (await sim.stats()).byEndpoint['/v5/market/kline'] ?? 0
}
