import { type Catalog, type CatalogName, catalog } from '@marketcache/shared/datasets/catalog'
import type { ProviderName } from '@marketcache/shared/providers'
import type { JobResult, ProcessorContext } from '../contracts/processor'
import type { NotFoundEntry } from '../envelope-writer'
import { entryOf, targetOf } from './entries'

/** Where a "does not exist" answer for a catalog would be remembered (its one key). */
export function catalogTargets(ctx: ProcessorContext, name: CatalogName): NotFoundEntry[] {
  return [targetOf(ctx, catalog, { name })]
}

/** Writes a provider's id list (and its ranking, where it has one) as the `name` catalog. */
export async function writeCatalog(
  ctx: ProcessorContext,
  name: CatalogName,
  list: Pick<Catalog, 'ids' | 'top'>,
  meta: { provider: ProviderName; endpoint: string; asOf: number },
): Promise<JobResult> {
  const { provider, endpoint, asOf } = meta
  const value = { name, provider, ...list, as_of: new Date(asOf).toISOString() }
  const outcomes = await ctx.writer.write(
    entryOf(ctx, catalog, { name }, value, { asOf, source: provider, endpoint }),
  )
  return { written: outcomes.filter((o) => o.written).map((o) => o.key) }
}
