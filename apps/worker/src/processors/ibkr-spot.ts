import { spot } from '@marketcache/shared/datasets/spot'
import type { JobProcessor, ProcessorContext } from '../contracts/processor'
import type { NotFoundEntry } from '../envelope-writer'
import { ProviderBadResponseError, ProviderNotFoundError } from '../errors'
import type { IbkrAdapter } from '../providers/ibkr/adapter'
import { IbkrEndpoint } from '../providers/ibkr/endpoints'
import { snapshotSpots } from '../providers/ibkr/market-data'
import { entryOf, targetOf, writeAnswer } from './entries'
import { stockConid } from './ibkr-instruments'

const spotParams = (symbol: string) => ({ exchange: 'ibkr', symbol }) as const

/**
 * `ibkr.spot`: one round of stock snapshots fills `spot` for every symbol. The stock's conid comes
 * from `stockConid` (the cached `instruments` entry, else secdef/search).
 * Symbols IBKR does not know get negative entries; if it knows none of them, the job fails so.
 */
export function ibkrSpotProcessor(
  adapter: IbkrAdapter,
  ctx: ProcessorContext,
): JobProcessor<'ibkr.spot'> {
  /** null: IBKR does not know it (only said when other symbols may still be served). */
  const conidOf = async (symbol: string, alone: boolean): Promise<string | null> => {
    try {
      return await stockConid(adapter, ctx, symbol)
    } catch (error) {
      if (error instanceof ProviderNotFoundError && !alone) return null
      throw error
    }
  }

  return {
    targets: (data) => data.symbols.map((symbol) => targetOf(ctx, spot, spotParams(symbol))),
    async process(data) {
      const symbols = [...new Set(data.symbols)]
      const conids = new Map<string, string>()
      const unknown: NotFoundEntry[] = []
      for (const symbol of symbols) {
        const conid = await conidOf(symbol, symbols.length === 1)
        if (conid === null) unknown.push(targetOf(ctx, spot, spotParams(symbol)))
        else conids.set(symbol, conid)
      }
      if (conids.size === 0) {
        throw new ProviderNotFoundError(`ibkr: none of ${symbols.join(', ')} is listed`, {
          provider: 'ibkr',
          endpoint: IbkrEndpoint.search,
        })
      }

      const now = ctx.now()
      const spots = await snapshotSpots(adapter, conids, now)
      for (const [symbol, conid] of conids) {
        if (!spots.has(symbol)) {
          ctx.logger.warn({ provider: 'ibkr', symbol, conid }, 'no quote in the snapshot')
        }
      }
      if (spots.size === 0) {
        throw new ProviderBadResponseError(
          `ibkr ${IbkrEndpoint.snapshot}: no quote for ${[...conids.keys()].join(', ')}`,
          { provider: 'ibkr', endpoint: IbkrEndpoint.snapshot },
        )
      }
      const entries = [...spots].map(([symbol, { value, asOf }]) =>
        entryOf(ctx, spot, spotParams(symbol), value, {
          asOf,
          source: 'ibkr',
          endpoint: IbkrEndpoint.snapshot,
        }),
      )
      return { written: await writeAnswer(ctx, entries, unknown, 'ibkr', now) }
    },
  }
}
