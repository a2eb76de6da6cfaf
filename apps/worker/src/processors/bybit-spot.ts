import { spot } from '@marketcache/shared/datasets/spot'
import type { JobProcessor, ProcessorContext } from '../contracts/processor'
import type { BybitAdapter } from '../providers/bybit/adapter'
import { BybitEndpoint } from '../providers/bybit/client'
import { entryOf, targetOf } from './entries'

const params = (symbol: string) => ({ exchange: 'bybit' as const, symbol })

/**
 * `bybit.spot`: one tickers call writes a `spot` entry per symbol. Of several symbols, those
 * Bybit does not list get negative entries; a single unknown symbol fails the job as not found.
 */
export function bybitSpotProcessor(
  adapter: BybitAdapter,
  ctx: ProcessorContext,
): JobProcessor<'bybit.spot'> {
  return {
    targets: (data) => data.symbols.map((symbol) => targetOf(ctx, spot, params(symbol))),
    async process(data) {
      const { records, missing, asOf } = await adapter.spot(data.symbols)
      const meta = { asOf, source: 'bybit', endpoint: BybitEndpoint.tickers } as const
      const outcomes = await ctx.writer.write(
        records.map((record) => entryOf(ctx, spot, params(record.symbol), record, meta)),
      )
      const written = outcomes.filter((o) => o.written).map((o) => o.key)
      const negatives = missing.map((symbol) => targetOf(ctx, spot, params(symbol)))
      await ctx.writer.writeNotFound(negatives, 'bybit', ctx.now())
      written.push(...negatives.map((negative) => negative.key))
      return { written }
    },
  }
}
