import { instruments } from '@marketcache/shared/datasets/instruments'
import { optionChain } from '@marketcache/shared/datasets/option-chain'
import type { JobProcessor, ProcessorContext } from '../contracts/processor'
import { ProviderNotFoundError } from '../errors'
import type { IbkrAdapter } from '../providers/ibkr/adapter'
import { IbkrEndpoint } from '../providers/ibkr/endpoints'
import { snapshotChain } from '../providers/ibkr/market-data'
import type { ChainLimits } from '../providers/ibkr/qualification'
import type { InstrumentsValue } from '../providers/ibkr/quotes'
import { entryOf, targetOf } from './entries'
import { cachedInstruments, ibkrInstrumentsParams, qualifyAndWrite } from './ibkr-instruments'

/**
 * `ibkr.option-chain`: snapshots of every qualified contract plus the stock, assembled into the
 * chain. Qualification comes from the cached `instruments` entry; only when there is none is it
 * done here (and both entries written), so a refresh costs snapshot calls only.
 */
export function ibkrOptionChainProcessor(
  adapter: IbkrAdapter,
  ctx: ProcessorContext,
  limits: ChainLimits,
): JobProcessor<'ibkr.option-chain'> {
  return {
    targets: (data) => [targetOf(ctx, optionChain, ibkrInstrumentsParams(data.underlying))],
    async process({ underlying }) {
      const params = ibkrInstrumentsParams(underlying)
      const written: string[] = []
      let qualified: InstrumentsValue | null = await cachedInstruments(ctx, underlying)
      if (qualified === null) {
        try {
          const fresh = await qualifyAndWrite(adapter, ctx, limits, underlying)
          qualified = fresh.value
          written.push(...fresh.written)
        } catch (error) {
          // The job runner writes the chain's negative entry; the instruments one is ours.
          if (error instanceof ProviderNotFoundError) {
            await ctx.writer.writeNotFound([targetOf(ctx, instruments, params)], 'ibkr', ctx.now())
          }
          throw error
        }
      }

      const { chain, asOf } = await snapshotChain(adapter, qualified, ctx.now())
      const outcomes = await ctx.writer.write(
        entryOf(ctx, optionChain, params, chain, {
          asOf,
          source: 'ibkr',
          endpoint: IbkrEndpoint.snapshot,
        }),
      )
      written.push(...outcomes.filter((o) => o.written).map((o) => o.key))
      return { written }
    },
  }
}
