import { cacheKey } from '@marketcache/shared/dataset'
import { coin } from '@marketcache/shared/datasets/coin'
import { tokenomics } from '@marketcache/shared/datasets/tokenomics'
import { buildEnvelope } from '../envelope-builder'
import type { EnvelopeEntry, NotFoundEntry } from '../envelope-writer'
import type { CoinRecord } from '../providers/coingecko/mapping'
import type { ProcessorContext } from './processor'

/** Both entries one CoinGecko coin fills: `coin` and `tokenomics`. */
export function coinEntries(ctx: ProcessorContext, record: CoinRecord): EnvelopeEntry[] {
  const now = ctx.now()
  const common = { asOf: record.asOf, source: 'coingecko', now, random: ctx.random } as const
  return [
    {
      key: cacheKey(ctx.keys, coin, { id: record.id }),
      envelope: buildEnvelope({
        ...common,
        dataset: coin,
        value: record.coin,
        policy: ctx.freshness.coin,
      }),
    },
    {
      key: cacheKey(ctx.keys, tokenomics, { id: record.id }),
      envelope: buildEnvelope({
        ...common,
        dataset: tokenomics,
        value: record.tokenomics,
        policy: ctx.freshness.tokenomics,
      }),
    },
  ]
}

/** The `coin` and `tokenomics` keys of one canonical id, with their negative TTLs. */
export function coinTargets(ctx: ProcessorContext, id: string): NotFoundEntry[] {
  return [
    { key: cacheKey(ctx.keys, coin, { id }), negativeMs: ctx.freshness.coin.negativeMs },
    {
      key: cacheKey(ctx.keys, tokenomics, { id }),
      negativeMs: ctx.freshness.tokenomics.negativeMs,
    },
  ]
}
