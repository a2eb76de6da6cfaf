import { quote } from '@marketcache/shared/datasets/quote'
import type { JobProcessor, ProcessorContext } from '../contracts/processor'
import { ProviderNotFoundError } from '../errors'
import type { IbkrAdapter } from '../providers/ibkr/adapter'
import { IbkrEndpoint } from '../providers/ibkr/endpoints'
import { QUOTE_FIELDS } from '../providers/ibkr/fields'
import { quoteValueOf } from '../providers/ibkr/quotes'
import { entryOf, targetOf, writeAnswer } from './entries'

const quoteParams = (conid: string) => ({ exchange: 'ibkr', conid }) as const

/**
 * `ibkr.quote`: one round of snapshots (pre-flight retried) fills `quote` for every conid, stock
 * or option alike. The snapshot asks for what the contract is (symbol, asset class) as well as its
 * prices, and the gateway sends those for every contract it knows, so a conid still without any
 * value after the round is one IBKR does not know: a negative entry, or, when it is the only one,
 * a job failed as not found.
 */
export function ibkrQuoteProcessor(
  adapter: IbkrAdapter,
  ctx: ProcessorContext,
): JobProcessor<'ibkr.quote'> {
  return {
    targets: (data) => data.conids.map((conid) => targetOf(ctx, quote, quoteParams(conid))),
    async process(data) {
      const conids = [...new Set(data.conids)]
      const rows = await adapter.snapshot(conids, QUOTE_FIELDS)
      const unknown = conids.filter((conid) => !rows.has(conid))
      if (unknown.length === conids.length) {
        throw new ProviderNotFoundError(`ibkr: no contract has conid ${conids.join(', ')}`, {
          provider: 'ibkr',
          endpoint: IbkrEndpoint.snapshot,
        })
      }
      const now = ctx.now()
      const entries = [...rows.values()].map((row) =>
        entryOf(ctx, quote, quoteParams(row.conid), quoteValueOf(row, now), {
          asOf: row.updated ?? now,
          source: 'ibkr',
          endpoint: IbkrEndpoint.snapshot,
        }),
      )
      const negatives = unknown.map((conid) => targetOf(ctx, quote, quoteParams(conid)))
      return { written: await writeAnswer(ctx, entries, negatives, 'ibkr', now) }
    },
  }
}
