import { CatalogName, catalog } from '@marketcache/shared/datasets/catalog'
import type { JobProcessor, ProcessorContext } from '../contracts/processor'
import { type CoinGeckoAdapter, CoinGeckoEndpoint } from '../providers/coingecko/adapter'
import { entryOf, targetOf } from './entries'

const params = { name: CatalogName.coingeckoCoins }

/**
 * `coingecko.catalog`: one `/coins/list` call writes the catalog of every CoinGecko id, which the
 * API checks a coin miss against before it may spend quota. The list has no timestamp of its
 * own, so it is as of the call.
 */
export function coingeckoCatalogProcessor(
  adapter: CoinGeckoAdapter,
  ctx: ProcessorContext,
): JobProcessor<'coingecko.catalog'> {
  return {
    targets: () => [targetOf(ctx, catalog, params)],
    async process() {
      const ids = await adapter.catalog()
      const asOf = ctx.now()
      const value = { ...params, provider: 'coingecko', ids, as_of: new Date(asOf).toISOString() }
      const outcomes = await ctx.writer.write(
        entryOf(ctx, catalog, params, value, {
          asOf,
          source: 'coingecko',
          endpoint: CoinGeckoEndpoint.list,
        }),
      )
      return { written: outcomes.filter((o) => o.written).map((o) => o.key) }
    },
  }
}
