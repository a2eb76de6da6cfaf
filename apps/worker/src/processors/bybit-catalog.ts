import { CatalogName } from '@marketcache/shared/datasets/catalog'
import type { JobProcessor, ProcessorContext } from '../contracts/processor'
import type { BybitAdapter } from '../providers/bybit/adapter'
import { BybitEndpoint } from '../providers/bybit/client'
import { catalogTargets, writeCatalog } from './catalog-entry'

/**
 * `bybit.catalog`: instruments-info (spot) writes the catalog of every Bybit spot pair, which
 * the API checks a spot or candle miss against before it may spend quota.
 */
export function bybitCatalogProcessor(
  adapter: BybitAdapter,
  ctx: ProcessorContext,
): JobProcessor<'bybit.catalog'> {
  const name = CatalogName.bybitSpot
  return {
    targets: () => catalogTargets(ctx, name),
    async process() {
      const { symbols, asOf } = await adapter.spotCatalog()
      return writeCatalog(
        ctx,
        name,
        { ids: symbols },
        {
          provider: 'bybit',
          endpoint: BybitEndpoint.instruments,
          asOf,
        },
      )
    },
  }
}
