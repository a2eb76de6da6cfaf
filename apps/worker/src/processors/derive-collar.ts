import { collar, collarSpotParams } from '@marketcache/shared/datasets/collar'
import { optionChain } from '@marketcache/shared/datasets/option-chain'
import { spot } from '@marketcache/shared/datasets/spot'
import type { JobProcessor, ProcessorContext } from '../contracts/processor'
import { collarSet } from '../derive/analytics/collars'
import { ensureInputs, oldestAsOf } from '../derive/inputs'
import { entryOf, targetOf } from './entries'

const iso = (ms: number) => new Date(ms).toISOString()

/**
 * `derive.collar`: every collar of an underlying from its cached chain and spot, no provider call
 * (missing inputs are filled through their own jobs first). The entry is as of the older input,
 * and records S as its basis, so a read can tell when spot has moved too far from it.
 */
export function collarProcessor(ctx: ProcessorContext): JobProcessor<'derive.collar'> {
  return {
    targets: (data) => [targetOf(ctx, collar, collar.parseParams(data))],
    async process(data) {
      const params = collar.parseParams(data)
      const inputs = await ensureInputs(ctx, [
        { dataset: optionChain, params },
        { dataset: spot, params: collarSpotParams(params) },
      ])
      const [chain, underlying] = inputs
      const asOf = oldestAsOf(inputs)
      const spotPrice = underlying.value.price
      // The schema allows a 0 price (no trade yet); no collar can be priced against it.
      if (!(spotPrice > 0)) throw new Error(`collar: spot ${underlying.value.symbol} has no price`)
      const value = collarSet({
        chain: chain.value,
        spot: spotPrice,
        asOf: iso(asOf),
        inputs: {
          chain_as_of: iso(chain.envelope.asOf),
          spot_as_of: iso(underlying.envelope.asOf),
        },
      })
      const outcomes = await ctx.writer.write(
        entryOf(ctx, collar, params, value, { asOf, source: 'derived', basis: spotPrice }),
      )
      return { written: outcomes.filter((o) => o.written).map((o) => o.key) }
    },
  }
}
