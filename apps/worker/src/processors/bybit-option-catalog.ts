import { CatalogName } from '@marketcache/shared/datasets/catalog'
import type { JobProcessor, ProcessorContext } from '../contracts/processor'
import type { BybitAdapter } from '../providers/bybit/adapter'
import { BybitEndpoint } from '../providers/bybit/client'
import { catalogTargets, writeCatalog } from './catalog-entry'

/**
 * `bybit.option-catalog`: one option-base-coins call writes the catalog of every base coin with
 * Bybit options, which the API checks a Bybit chain, instruments, collar or summary miss against
 * before it may spend quota.
 */
export function bybitOptionCatalogProcessor(
  adapter: BybitAdapter,
  ctx: ProcessorContext,
): JobProcessor<'bybit.option-catalog'> {
  const name = CatalogName.bybitOptions
  return {
    targets: () => catalogTargets(ctx, name),
    async process() {
      const { baseCoins, asOf } = await adapter.optionCatalog()
      return writeCatalog(
        ctx,
        name,
        { ids: baseCoins },
        {
          provider: 'bybit',
          endpoint: BybitEndpoint.optionBaseCoins,
          asOf,
        },
      )
    },
  }
}
