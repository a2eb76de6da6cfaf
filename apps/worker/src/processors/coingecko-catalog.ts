import { CatalogName } from '@marketcache/shared/datasets/catalog'
import type { JobProcessor, ProcessorContext } from '../contracts/processor'
import { type CoinGeckoAdapter, CoinGeckoEndpoint } from '../providers/coingecko/adapter'
import { catalogTargets, writeCatalog } from './catalog-entry'

/**
 * `coingecko.catalog`: one `/coins/list` call writes the catalog of every CoinGecko id, which the
 * API checks a coin miss against before it may spend quota. The list has no timestamp of its
 * own, so it is as of the call.
 */
export function coingeckoCatalogProcessor(
  adapter: CoinGeckoAdapter,
  ctx: ProcessorContext,
): JobProcessor<'coingecko.catalog'> {
  const name = CatalogName.coingeckoCoins
  return {
    targets: () => catalogTargets(ctx, name),
    async process() {
      const ids = await adapter.catalog()
      const meta = {
        provider: 'coingecko',
        endpoint: CoinGeckoEndpoint.list,
        asOf: ctx.now(),
      } as const
      return writeCatalog(ctx, name, ids, meta)
    },
  }
}
