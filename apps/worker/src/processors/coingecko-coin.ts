import type { JobProcessor, ProcessorContext } from '../contracts/processor'
import { type CoinGeckoAdapter, CoinGeckoEndpoint } from '../providers/coingecko/adapter'
import { coinEntries, coinTargets } from './coin-entries'

/** `coingecko.coin`: one `/coins/{id}` call writes both the `coin` and `tokenomics` entries. */
export function coingeckoCoinProcessor(
  adapter: CoinGeckoAdapter,
  ctx: ProcessorContext,
): JobProcessor<'coingecko.coin'> {
  return {
    targets: (data) => coinTargets(ctx, data.id),
    async process(data) {
      const record = await adapter.coin(data.id)
      const outcomes = await ctx.writer.write(coinEntries(ctx, record, CoinGeckoEndpoint.coin))
      return { written: outcomes.filter((o) => o.written).map((o) => o.key) }
    },
  }
}
