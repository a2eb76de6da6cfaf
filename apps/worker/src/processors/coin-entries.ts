import { coin } from '@marketcache/shared/datasets/coin'
import { tokenomics } from '@marketcache/shared/datasets/tokenomics'
import type { ProcessorContext } from '../contracts/processor'
import type { EnvelopeEntry, NotFoundEntry } from '../envelope-writer'
import type { CoinRecord } from '../providers/coingecko/mapping'
import { entryOf, targetOf } from './entries'

/** Both entries one CoinGecko coin fills (`coin` and `tokenomics`), from `endpoint`'s answer. */
export function coinEntries(
  ctx: ProcessorContext,
  record: CoinRecord,
  endpoint: string,
): EnvelopeEntry[] {
  const meta = { asOf: record.asOf, source: 'coingecko', endpoint } as const
  return [
    entryOf(ctx, coin, { id: record.id }, record.coin, meta),
    entryOf(ctx, tokenomics, { id: record.id }, record.tokenomics, meta),
  ]
}

/** The `coin` and `tokenomics` keys of one canonical id, with their negative TTLs. */
export function coinTargets(ctx: ProcessorContext, id: string): NotFoundEntry[] {
  return [targetOf(ctx, coin, { id }), targetOf(ctx, tokenomics, { id })]
}
