import { cacheKey } from '@marketcache/shared/dataset'
import { type Backtest, backtest } from '@marketcache/shared/datasets/backtest'
import type { BacktestParams } from '@marketcache/shared/datasets/backtest-params'
import { ohlcv } from '@marketcache/shared/datasets/ohlcv'
import type { JobData } from '@marketcache/shared/jobs'
import { UnrecoverableError } from 'bullmq'
import type {
  BacktestJobResult,
  BacktestSummary,
  JobProcessor,
  ProcessorContext,
} from '../contracts/processor'
import { backtestValue } from '../derive/backtest-value'
import { ensureInputs } from '../derive/inputs'
import { entryOf, targetOf } from './entries'

function summaryOf(value: Backtest): BacktestSummary {
  const { total_return, sharpe, max_drawdown, trade_count } = value
  return { total_return, sharpe, max_drawdown, trade_count }
}

/** Canonical params; job data that cannot become them will not on a retry either. */
function paramsOf(data: JobData<'derive.backtest'>): BacktestParams {
  try {
    return backtest.parseParams(data)
  } catch (error) {
    throw new UnrecoverableError(
      `INVALID_JOB: derive.backtest: ${error instanceof Error ? error.message : String(error)}`,
    )
  }
}

/**
 * `derive.backtest`: RSI mean reversion over the cached `ohlcv` series of the pair, no provider
 * call of its own. A backtest still fresh for the same params is not recomputed (a batch that
 * repeats a known parameter set costs one read), except for `update` (update-cache, a
 * `fresh=true` read), which asks for a new version: it recomputes over the series as cached now
 * and writes it with a new `fetchedAt`, even when the value is the same. A missing series is fetched first through its
 * own deduplicated `bybit.kline` job; a series the provider does not list makes the backtest not
 * exist either (the runner writes its negative entry). The entry is as of the series' asOf.
 */
export function backtestProcessor(ctx: ProcessorContext): JobProcessor<'derive.backtest'> {
  return {
    targets: (data) => {
      try {
        return [targetOf(ctx, backtest, backtest.parseParams(data))]
      } catch {
        return []
      }
    },
    async process(data, handle): Promise<BacktestJobResult> {
      const params = paramsOf(data)
      const key = cacheKey(ctx.keys, backtest, params)
      const known =
        handle.job.data.origin === 'update' ? null : await ctx.reader.value(backtest, params)
      if (known !== null && ctx.now() < known.envelope.freshUntil) {
        return { written: [], key, symbol: params.symbol, summary: summaryOf(known.value) }
      }

      const [series] = await ensureInputs(ctx, [
        {
          dataset: ohlcv,
          params: { exchange: params.exchange, symbol: params.symbol, interval: params.interval },
        },
      ])
      const asOf = series.envelope.asOf
      const value = backtestValue(params, series.value, asOf)
      const outcomes = await ctx.writer.write(
        entryOf(ctx, backtest, params, value, {
          asOf,
          source: 'derived',
          // Same params, same series, same value: a retry cannot fix it.
          invalid: (message) => new UnrecoverableError(message),
        }),
      )
      return {
        written: outcomes.filter((o) => o.written).map((o) => o.key),
        key,
        symbol: params.symbol,
        summary: summaryOf(value),
      }
    },
  }
}
