import { cacheKey } from '@marketcache/shared/dataset'
import { CatalogName, catalog } from '@marketcache/shared/datasets/catalog'
import { coin } from '@marketcache/shared/datasets/coin'
import { MARKETS_PAGE_SIZE } from '@marketcache/shared/jobs'
import type { JobProcessor, ProcessorContext } from '../contracts/processor'
import { type CoinGeckoAdapter, CoinGeckoEndpoint } from '../providers/coingecko/adapter'
import { coinEntries, coinTargets } from './coin-entries'
import { coingeckoMarketsProcessor } from './coingecko-markets'
import { sharedCall } from './shared-call'

/**
 * `coingecko.coin`: one `/coins/{id}` call writes both the `coin` and `tokenomics` entries. When
 * other coin jobs run beside it or wait behind it (misses of other coins, from any request or
 * replica), or top coins are not fresh, it asks for all of them in one `/coins/markets` call
 * instead (see `sharedCall` and `unfreshTop`).
 */
export function coingeckoCoinProcessor(
  adapter: CoinGeckoAdapter,
  ctx: ProcessorContext,
): JobProcessor<'coingecko.coin'> {
  const markets = coingeckoMarketsProcessor(adapter, ctx)
  const item = (id: string) => ({ key: cacheKey(ctx.keys, coin, { id }), item: id })
  return {
    targets: (data) => coinTargets(ctx, data.id),
    async process(data, handle) {
      const others = async () => {
        const waiting = await handle.waiting('coingecko.coin', MARKETS_PAGE_SIZE - 1)
        const taken = new Set([data.id, ...waiting.map((other) => other.id)])
        const room = MARKETS_PAGE_SIZE - taken.size
        return [...waiting.map((o) => o.id), ...(await unfreshTop(ctx, taken, room))].map(item)
      }
      return sharedCall(ctx, handle, item(data.id), others, async (ids) => {
        if (ids.length > 1) return markets.process({ ids }, handle)
        const record = await adapter.coin(data.id)
        const outcomes = await ctx.writer.write(coinEntries(ctx, record, CoinGeckoEndpoint.coin))
        return { written: outcomes.filter((o) => o.written).map((o) => o.key) }
      })
    },
  }
}

/**
 * The catalog's top coins that are missing or past fresh, up to `room`, leaving out `taken`. A
 * `/coins/markets` call costs one call for 1 id or 250, so a miss's call fills its page with the
 * coins most likely to be read next; their own misses and stale refreshes then find them written,
 * and the top of the market costs one call per fresh window.
 */
async function unfreshTop(
  ctx: ProcessorContext,
  taken: ReadonlySet<string>,
  room: number,
): Promise<string[]> {
  if (room <= 0) return []
  const listed = await ctx.reader.value(catalog, { name: CatalogName.coingeckoCoins })
  const top = listed?.value.top?.filter((id) => !taken.has(id)) ?? []
  if (top.length === 0) return []
  const entries = await ctx.reader.entries(top.map((id) => cacheKey(ctx.keys, coin, { id })))
  const now = ctx.now()
  return top
    .filter((_, i) => {
      const entry = entries[i]
      return !entry || (!('notFound' in entry) && now >= entry.freshUntil)
    })
    .slice(0, room)
}
