import { CatalogName } from '@marketcache/shared/datasets/catalog'
import { MARKETS_PAGE_SIZE } from '@marketcache/shared/jobs'
import type { JobProcessor, ProcessorContext } from '../contracts/processor'
import { type CoinGeckoAdapter, CoinGeckoEndpoint } from '../providers/coingecko/adapter'
import { catalogTargets, writeCatalog } from './catalog-entry'
import { fetchMarkets } from './coingecko-markets'

/**
 * `coingecko.catalog`: one `/coins/list` call writes the catalog of every CoinGecko id, which the
 * API checks a coin miss against before it may spend quota, and one `/coins/markets` call its
 * ranking (`top`, the first page by market cap), whose rows are written as coin entries too. The
 * list has no timestamp of its own, so it is as of the call.
 */
export function coingeckoCatalogProcessor(
  adapter: CoinGeckoAdapter,
  ctx: ProcessorContext,
): JobProcessor<'coingecko.catalog'> {
  const name = CatalogName.coingeckoCoins
  return {
    targets: () => catalogTargets(ctx, name),
    async process() {
      const asOf = ctx.now()
      const [ids, top] = await Promise.all([
        adapter.catalog(),
        fetchMarkets(adapter, ctx, { top: MARKETS_PAGE_SIZE }),
      ])
      const meta = { provider: 'coingecko', endpoint: CoinGeckoEndpoint.list, asOf } as const
      const listed = await writeCatalog(ctx, name, { ids, top: top.ids }, meta)
      return { written: [...listed.written, ...top.written] }
    },
  }
}
