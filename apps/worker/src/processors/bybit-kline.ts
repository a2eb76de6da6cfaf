import { ohlcv } from '@marketcache/shared/datasets/ohlcv'
import type { Interval } from '@marketcache/shared/intervals'
import type { JobData } from '@marketcache/shared/jobs'
import type { JobProcessor, ProcessorContext } from '../contracts/processor'
import type { BybitAdapter } from '../providers/bybit/adapter'
import { BybitEndpoint } from '../providers/bybit/client'
import { entryOf, targetOf } from './entries'

// The runner checked `interval` against the Interval names before the processor runs.
const params = (data: JobData<'bybit.kline'>) => ({
  exchange: 'bybit' as const,
  symbol: data.symbol,
  interval: data.interval as Interval,
})

/** `bybit.kline`: one kline call writes the `ohlcv` entry of a pair and interval. */
export function bybitKlineProcessor(
  adapter: BybitAdapter,
  ctx: ProcessorContext,
): JobProcessor<'bybit.kline'> {
  return {
    targets: (data) => [targetOf(ctx, ohlcv, params(data))],
    async process(data) {
      const { value, asOf } = await adapter.klines(data.symbol, data.interval as Interval)
      const outcomes = await ctx.writer.write(
        entryOf(ctx, ohlcv, params(data), value, {
          asOf,
          source: 'bybit',
          endpoint: BybitEndpoint.kline,
        }),
      )
      return { written: outcomes.filter((o) => o.written).map((o) => o.key) }
    },
  }
}
