import type { JobProcessor, ProcessorContext } from '../contracts/processor'
import {
  type CoinGeckoAdapter,
  CoinGeckoEndpoint,
  type MarketsQuery,
} from '../providers/coingecko/adapter'
import { coinEntries, coinTargets } from './coin-entries'

/**
 * `coingecko.markets`: one `/coins/markets` call for up to 250 ids or the top N, writing `coin`
 * and `tokenomics` for every valid row. Requested ids the provider left out do not exist there,
 * so they get negative entries; ids whose rows were malformed exist and are left alone.
 */
export function coingeckoMarketsProcessor(
  adapter: CoinGeckoAdapter,
  ctx: ProcessorContext,
): JobProcessor<'coingecko.markets'> {
  return {
    targets: (data) => ('ids' in data ? data.ids.flatMap((id) => coinTargets(ctx, id)) : []),
    async process(data) {
      const { written } = await fetchMarkets(adapter, ctx, data)
      return { written }
    },
  }
}

/**
 * One `/coins/markets` call, its rows written (see `coingeckoMarketsProcessor`); `ids` are the
 * coins it returned, in the provider's order (market cap for a top-N call).
 */
export async function fetchMarkets(
  adapter: CoinGeckoAdapter,
  ctx: ProcessorContext,
  query: MarketsQuery,
): Promise<{ ids: string[]; written: string[] }> {
  const { records, skipped } = await adapter.markets(query)
  for (const row of skipped) {
    ctx.logger.warn(
      { provider: 'coingecko', id: row.id, problem: row.problem },
      'market row skipped',
    )
  }
  const outcomes = await ctx.writer.write(
    records.flatMap((record) => coinEntries(ctx, record, CoinGeckoEndpoint.markets)),
  )
  const written = outcomes.filter((o) => o.written).map((o) => o.key)

  if ('ids' in query) {
    const returned = new Set([
      ...records.map((record) => record.id),
      ...skipped.map((row) => String(row.id).toLowerCase()),
    ])
    const missing = query.ids.filter((id) => !returned.has(id))
    const negatives = missing.flatMap((id) => coinTargets(ctx, id))
    await ctx.writer.writeNotFound(negatives, 'coingecko', ctx.now())
    written.push(...negatives.map((n) => n.key))
  }
  return { ids: records.map((record) => record.id), written }
}
