import { optionChain } from '@marketcache/shared/datasets/option-chain'
import { optionsSummary } from '@marketcache/shared/datasets/options-summary'
import type { JobProcessor, ProcessorContext } from '../contracts/processor'
import { summariseChain } from '../derive/analytics/options-summary'
import { ensureInputs } from '../derive/inputs'
import { entryOf, targetOf } from './entries'

/**
 * `derive.options-summary`: per-expiry positioning and volatility figures from the cached chain
 * alone (fetched first through its own job if missing). The entry is as of the chain.
 */
export function optionsSummaryProcessor(
  ctx: ProcessorContext,
): JobProcessor<'derive.options-summary'> {
  return {
    targets: (data) => [targetOf(ctx, optionsSummary, optionsSummary.parseParams(data))],
    async process(data) {
      const params = optionsSummary.parseParams(data)
      const [chain] = await ensureInputs(ctx, [{ dataset: optionChain, params }])
      const value = summariseChain(chain.value)
      const outcomes = await ctx.writer.write(
        entryOf(ctx, optionsSummary, params, value, {
          asOf: chain.envelope.asOf,
          source: 'derived',
        }),
      )
      return { written: outcomes.filter((o) => o.written).map((o) => o.key) }
    },
  }
}
