import { cacheKey } from '@marketcache/shared/dataset'
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
 * replica), it asks for all of them in one `/coins/markets` call instead (see `sharedCall`).
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
      const others = async () =>
        (await handle.waiting('coingecko.coin', MARKETS_PAGE_SIZE - 1)).map((o) => item(o.id))
      return sharedCall(ctx, handle, item(data.id), others, async (ids) => {
        if (ids.length > 1) return markets.process({ ids }, handle)
        const record = await adapter.coin(data.id)
        const outcomes = await ctx.writer.write(coinEntries(ctx, record, CoinGeckoEndpoint.coin))
        return { written: outcomes.filter((o) => o.written).map((o) => o.key) }
      })
    },
  }
}
