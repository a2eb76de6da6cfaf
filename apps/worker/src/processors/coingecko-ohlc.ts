import { ohlcv } from '@marketcache/shared/datasets/ohlcv'
import type { JobData } from '@marketcache/shared/jobs'
import { UnrecoverableError } from 'bullmq'
import type { JobProcessor, ProcessorContext } from '../contracts/processor'
import { type CoinGeckoAdapter, CoinGeckoEndpoint } from '../providers/coingecko/adapter'
import { isOhlcInterval, OHLC_DAYS, type OhlcInterval } from '../providers/coingecko/ohlc'
import { entryOf, targetOf } from './entries'

const paramsOf = (id: string, interval: OhlcInterval) =>
  ({ exchange: 'coingecko', symbol: id, interval }) as const

/**
 * `coingecko.ohlc`: one `/coins/{id}/ohlc` call writes the coin's `ohlcv` entry for one interval.
 * The dataset narrows its freshness to the interval, so 30-minute candles stay fresh 30 minutes.
 */
export function coingeckoOhlcProcessor(
  adapter: CoinGeckoAdapter,
  ctx: ProcessorContext,
): JobProcessor<'coingecko.ohlc'> {
  return {
    // An interval CoinGecko cannot serve names no entry: nothing to mark.
    targets: (data) =>
      isOhlcInterval(data.interval) ? [targetOf(ctx, ohlcv, paramsOf(data.id, data.interval))] : [],
    async process(data) {
      const interval = servedInterval(data)
      const record = await adapter.ohlc(data.id, interval)
      const outcomes = await ctx.writer.write(
        entryOf(ctx, ohlcv, paramsOf(record.id, interval), record.value, {
          asOf: record.asOf,
          source: 'coingecko',
          endpoint: CoinGeckoEndpoint.ohlc,
        }),
      )
      return { written: outcomes.filter((o) => o.written).map((o) => o.key) }
    },
  }
}

/** Job data allows every interval; CoinGecko serves two, and no retry changes that. */
function servedInterval(data: JobData<'coingecko.ohlc'>): OhlcInterval {
  if (isOhlcInterval(data.interval)) return data.interval
  throw new UnrecoverableError(
    `INVALID_JOB: coingecko.ohlc serves ${Object.keys(OHLC_DAYS).join(', ')}, not ${data.interval}`,
  )
}
