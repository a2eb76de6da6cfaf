import { instruments } from '@marketcache/shared/datasets/instruments'
import type { JobProcessor, ProcessorContext } from '../contracts/processor'
import type { EnvelopeEntry } from '../envelope-writer'
import type { BybitAdapter, Instruments } from '../providers/bybit/adapter'
import { BybitEndpoint } from '../providers/bybit/client'
import { entryOf, targetOf } from './entries'

/** The `instruments` entry of a Bybit base coin; the chain job writes it too when it refetches. */
export function bybitInstrumentsEntry(
  ctx: ProcessorContext,
  listed: { value: Instruments; asOf: number },
): EnvelopeEntry {
  return entryOf(
    ctx,
    instruments,
    { exchange: 'bybit', underlying: listed.value.underlying },
    listed.value,
    { asOf: listed.asOf, source: 'bybit', endpoint: BybitEndpoint.instruments },
  )
}

/** `bybit.instruments`: instruments-info, every page, writes the `instruments` entry. */
export function bybitInstrumentsProcessor(
  adapter: BybitAdapter,
  ctx: ProcessorContext,
): JobProcessor<'bybit.instruments'> {
  return {
    targets: (data) => [
      targetOf(ctx, instruments, { exchange: 'bybit', underlying: data.underlying }),
    ],
    async process(data) {
      const listed = await adapter.instruments(data.underlying)
      const outcomes = await ctx.writer.write(bybitInstrumentsEntry(ctx, listed))
      return { written: outcomes.filter((o) => o.written).map((o) => o.key) }
    },
  }
}
