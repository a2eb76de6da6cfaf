import { type AnyDataset, fillOf } from '@marketcache/shared/dataset'
import type { Envelope } from '@marketcache/shared/envelope'
import type { ProviderName } from '@marketcache/shared/providers'
import type { Static } from '@sinclair/typebox'
import type { ProcessorContext } from '../contracts/processor'
import { ProviderNotFoundError } from '../errors'

export interface Input<D extends AnyDataset = AnyDataset> {
  dataset: D
  params: Static<D['params']>
}

export interface InputValue<D extends AnyDataset = AnyDataset> {
  value: Static<D['value']>
  envelope: Envelope
}

/** An input did not arrive within the wait: transient, so the derived job is retried. */
export class InputsPendingError extends Error {
  static readonly code = 'INPUTS_PENDING'
  readonly code = InputsPendingError.code
  override name = 'InputsPendingError'
}

/** @defaultValue wait up to 20 s for missing inputs, looking every 100 ms */
export const INPUT_WAIT = { timeoutMs: 20_000, pollMs: 100 }

/**
 * The cached values a derived job computes from. Inputs that are missing are fetched through
 * their own fill jobs (deduplicated, at miss priority, so concurrent derived jobs share them) and
 * waited for, bounded. An input the provider says does not exist makes the derived entry not
 * exist either. Stale inputs are used as they are: their own reads refresh them.
 */
export async function ensureInputs<const I extends readonly Input[]>(
  ctx: ProcessorContext,
  inputs: I,
  wait = INPUT_WAIT,
): Promise<{ [K in keyof I]: InputValue<I[K]['dataset']> }> {
  const deadline = Date.now() + wait.timeoutMs
  const requested = new Set<number>()
  for (;;) {
    const entries = await Promise.all(
      inputs.map((input) => ctx.reader.entry(input.dataset, input.params)),
    )
    const missing: number[] = []
    entries.forEach((entry, index) => {
      const input = inputs[index] as Input
      if (entry !== null && 'notFound' in entry) {
        const fill = fillOf(input.dataset, input.params)
        throw new ProviderNotFoundError(
          `${input.dataset.name} ${input.dataset.segments(input.params).join('/')} does not exist`,
          { provider: (fill?.queue ?? 'push') as ProviderName, endpoint: fill?.name ?? 'push' },
        )
      }
      if (entry === null) missing.push(index)
    })
    if (missing.length === 0) {
      return entries.map((entry) => {
        const envelope = entry as Envelope
        return { value: JSON.parse(envelope.data), envelope }
      }) as { [K in keyof I]: InputValue<I[K]['dataset']> }
    }
    for (const index of missing.filter((i) => !requested.has(i))) {
      const input = inputs[index] as Input
      // A pushed input has no job to ask: it is waited for, as its producer may be about to push.
      const fill = fillOf(input.dataset, input.params)
      if (fill) await ctx.enqueue(fill, 'miss')
      requested.add(index)
    }
    if (Date.now() >= deadline) {
      const names = missing.map((i) => (inputs[i] as Input).dataset.name).join(', ')
      throw new InputsPendingError(`inputs not cached within ${wait.timeoutMs} ms: ${names}`)
    }
    await new Promise((resolve) => setTimeout(resolve, wait.pollMs))
  }
}

/** The oldest `asOf` of a derived value's inputs: it is no newer than what it was built from. */
export function oldestAsOf(values: readonly InputValue[]): number {
  return Math.min(...values.map((v) => v.envelope.asOf))
}
