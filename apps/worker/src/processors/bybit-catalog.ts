import { CatalogName, catalog } from '@marketcache/shared/datasets/catalog'
import type { JobProcessor, ProcessorContext } from '../contracts/processor'
import type { BybitAdapter } from '../providers/bybit/adapter'
import { BybitEndpoint } from '../providers/bybit/client'
import { entryOf, targetOf } from './entries'

const params = { name: CatalogName.bybitSpot }

/**
 * `bybit.catalog`: instruments-info (spot) writes the catalog of every Bybit spot pair, which
 * the API checks a spot or candle miss against before it may spend quota.
 */
export function bybitCatalogProcessor(
  adapter: BybitAdapter,
  ctx: ProcessorContext,
): JobProcessor<'bybit.catalog'> {
  return {
    targets: () => [targetOf(ctx, catalog, params)],
    async process() {
      const { symbols, asOf } = await adapter.spotCatalog()
      const value = {
        ...params,
        provider: 'bybit',
        ids: symbols,
        as_of: new Date(asOf).toISOString(),
      }
      const outcomes = await ctx.writer.write(
        entryOf(ctx, catalog, params, value, {
          asOf,
          source: 'bybit',
          endpoint: BybitEndpoint.instruments,
        }),
      )
      return { written: outcomes.filter((o) => o.written).map((o) => o.key) }
    },
  }
}
