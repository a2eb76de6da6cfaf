import { instruments } from '@marketcache/shared/datasets/instruments'
import { optionChain } from '@marketcache/shared/datasets/option-chain'
import type { JobProcessor, ProcessorContext } from '../contracts/processor'
import type { BybitAdapter } from '../providers/bybit/adapter'
import { bybitChain } from '../providers/bybit/chain'
import { BybitEndpoint } from '../providers/bybit/client'
import type { Contract } from '../providers/bybit/mapping'
import { bybitInstrumentsEntry } from './bybit-instruments'
import { entryOf, targetOf } from './entries'

const params = (underlying: string) => ({ exchange: 'bybit' as const, underlying })

/**
 * `bybit.option-chain`: the contracts come from the cached `instruments` entry while it is fresh
 * (else instruments-info is fetched and written too), the quotes from ONE tickers call; joined,
 * they are the `option-chain` entry.
 */
export function bybitOptionChainProcessor(
  adapter: BybitAdapter,
  ctx: ProcessorContext,
): JobProcessor<'bybit.option-chain'> {
  return {
    targets: (data) => [targetOf(ctx, optionChain, params(data.underlying))],
    async process(data) {
      const { underlying } = data
      const written: string[] = []
      const refetch = async (): Promise<readonly Contract[]> => {
        const listed = await adapter.instruments(underlying)
        const outcomes = await ctx.writer.write(bybitInstrumentsEntry(ctx, listed))
        written.push(...outcomes.filter((o) => o.written).map((o) => o.key))
        return listed.value.contracts
      }

      const cached = await ctx.reader.value(instruments, params(underlying))
      const fresh = cached !== null && cached.envelope.freshUntil > ctx.now()
      let contracts = fresh ? cached.value.contracts : await refetch()
      const tickers = await adapter.optionTickers(underlying)
      if (fresh) {
        // A strike or expiry listed since the cached list was taken would be missing from the
        // chain until the list expires; one look at the tickers tells.
        const known = new Set(contracts.map((contract) => contract.symbol))
        const unlisted = [...tickers.quotes.keys()].filter((symbol) => !known.has(symbol))
        if (unlisted.length > 0) {
          ctx.logger.info(
            { provider: 'bybit', underlying, unlisted: unlisted.length, first: unlisted[0] },
            'cached instruments are behind the tickers; refreshing them',
          )
          contracts = await refetch()
        }
      }

      const chain = bybitChain(underlying, contracts, tickers)
      const outcomes = await ctx.writer.write(
        entryOf(ctx, optionChain, params(underlying), chain, {
          asOf: tickers.asOf,
          source: 'bybit',
          endpoint: BybitEndpoint.tickers,
        }),
      )
      written.push(...outcomes.filter((o) => o.written).map((o) => o.key))
      return { written }
    },
  }
}
