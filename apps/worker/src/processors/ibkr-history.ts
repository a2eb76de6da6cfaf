import { ohlcv } from '@marketcache/shared/datasets/ohlcv'
import type { JobData } from '@marketcache/shared/jobs'
import { UnrecoverableError } from 'bullmq'
import type { JobProcessor, ProcessorContext } from '../contracts/processor'
import type { IbkrAdapter } from '../providers/ibkr/adapter'
import { IbkrEndpoint } from '../providers/ibkr/endpoints'
import { HISTORY_QUERY, type HistoryInterval, isHistoryInterval } from '../providers/ibkr/history'
import { entryOf, targetOf } from './entries'
import { stockConid } from './ibkr-instruments'

const paramsOf = (symbol: string, interval: HistoryInterval) =>
  ({ exchange: 'ibkr', symbol, interval }) as const

/**
 * `ibkr.history`: one `/iserver/marketdata/history` call writes a stock's `ohlcv` entry for one
 * interval. The conid comes from `stockConid` (the cached qualification, else secdef/search); a
 * symbol IBKR does not list gets the runner's negative entry. The dataset narrows freshness to
 * one interval, never beyond its configured hour: hourly and daily bars are both fresh 1 h.
 */
export function ibkrHistoryProcessor(
  adapter: IbkrAdapter,
  ctx: ProcessorContext,
): JobProcessor<'ibkr.history'> {
  return {
    // An interval IBKR is not asked for names no entry: nothing to mark.
    targets: (data) =>
      isHistoryInterval(data.interval)
        ? [targetOf(ctx, ohlcv, paramsOf(data.symbol, data.interval))]
        : [],
    async process(data) {
      const interval = servedInterval(data)
      const conid = await stockConid(adapter, ctx, data.symbol)
      const { value, asOf } = await adapter.history(conid, data.symbol, interval, ctx.now())
      const outcomes = await ctx.writer.write(
        entryOf(ctx, ohlcv, paramsOf(data.symbol, interval), value, {
          asOf,
          source: 'ibkr',
          endpoint: IbkrEndpoint.history,
        }),
      )
      return { written: outcomes.filter((o) => o.written).map((o) => o.key) }
    },
  }
}

/** Job data allows every interval; the history endpoint is asked for two, and no retry changes that. */
function servedInterval(data: JobData<'ibkr.history'>): HistoryInterval {
  if (isHistoryInterval(data.interval)) return data.interval
  throw new UnrecoverableError(
    `INVALID_JOB: ibkr.history serves ${Object.keys(HISTORY_QUERY).join(', ')}, not ${data.interval}`,
  )
}
