import { cacheKey } from '@marketcache/shared/dataset'
import { spot } from '@marketcache/shared/datasets/spot'
import { SPOT_BATCH_SIZE } from '@marketcache/shared/jobs'
import type { JobProcessor, JobResult, ProcessorContext } from '../contracts/processor'
import type { BybitAdapter } from '../providers/bybit/adapter'
import { BybitEndpoint } from '../providers/bybit/client'
import { entryOf, targetOf, writeAnswer } from './entries'
import { sharedCall } from './shared-call'

const params = (symbol: string) => ({ exchange: 'bybit' as const, symbol })

/**
 * `bybit.spot`: one tickers call writes a `spot` entry per symbol. Of several symbols, those
 * Bybit does not list get negative entries; a single unknown symbol fails the job as not found.
 * A one-symbol miss takes the symbols of the spot jobs beside and behind it into the same call
 * (see `sharedCall`).
 */
export function bybitSpotProcessor(
  adapter: BybitAdapter,
  ctx: ProcessorContext,
): JobProcessor<'bybit.spot'> {
  const item = (symbol: string) => ({ key: cacheKey(ctx.keys, spot, params(symbol)), item: symbol })

  async function fetchSpots(symbols: readonly string[]): Promise<JobResult> {
    const { records, missing, asOf } = await adapter.spot(symbols)
    const meta = { asOf, source: 'bybit', endpoint: BybitEndpoint.tickers } as const
    const entries = records.map((record) => entryOf(ctx, spot, params(record.symbol), record, meta))
    const negatives = missing.map((symbol) => targetOf(ctx, spot, params(symbol)))
    return { written: await writeAnswer(ctx, entries, negatives, 'bybit') }
  }

  return {
    targets: (data) => data.symbols.map((symbol) => targetOf(ctx, spot, params(symbol))),
    async process(data, handle) {
      // A job of several symbols is a batch already; a one-symbol miss shares its call.
      const [own] = data.symbols
      if (own === undefined || data.symbols.length > 1) return fetchSpots(data.symbols)
      const others = async () =>
        (await handle.waiting('bybit.spot', SPOT_BATCH_SIZE - 1))
          .flatMap((other) => other.symbols)
          .slice(0, SPOT_BATCH_SIZE - 1)
          .map((symbol) => item(symbol))
      return sharedCall(ctx, handle, item(own), others, fetchSpots)
    },
  }
}
