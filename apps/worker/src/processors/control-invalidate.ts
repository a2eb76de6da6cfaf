import type { AnyDataset } from '@marketcache/shared/dataset'
import {
  type InvalidationMode,
  invalidationScope,
  paramsOfKey,
} from '@marketcache/shared/invalidation'
import type { JobProcessor, JobResult, ProcessorContext } from '../contracts/processor'
import { dependentsByInput, derivedEntries } from '../derive/recompute'

/** Keys per SCAN reply and per pipeline of invalidations. */
const BATCH = 500

/** What an invalidation job reports: how many entries it found, and derived ones it expired. */
export interface InvalidateJobResult extends JobResult {
  mode: InvalidationMode
  /** Entries that were there and are now deleted or expired. */
  touched: number
  /** Derived entries built on them (`recomputeOn`), soft-expired with them. */
  derived: number
}

/**
 * `control.invalidate`: deletes or soft-expires one entry, the entries of a dataset whose params
 * match, a dataset, or everything, with SCAN and pipelined scripts in batches. The keys come from
 * the key builder (`invalidationScope`), never from a client's glob. Entries derived from an
 * invalidated input are soft-expired too, so they are recomputed on their next read.
 */
interface Covered {
  key: string
  dataset: AnyDataset
  /** Null where the key does not show every param (its derived entries cannot be found). */
  params: Readonly<Record<string, unknown>> | null
}

export function invalidateProcessor(ctx: ProcessorContext): JobProcessor<'control.invalidate'> {
  const dependents = dependentsByInput()
  /** Invalidates one batch, then soft-expires what is derived from it; adds to the counts. */
  const invalidate = async (entries: Covered[], result: InvalidateJobResult) => {
    const now = ctx.now()
    result.touched += await ctx.writer.invalidate(
      entries.map((entry) => entry.key),
      result.mode,
      now,
    )
    const derived = entries.flatMap(({ dataset, params }) =>
      params === null
        ? []
        : derivedEntries(dependents, ctx.keys, { dataset, params }, () => {}).map((d) => d.key),
    )
    result.derived += await ctx.writer.invalidate([...new Set(derived)], 'expire', now)
  }
  return {
    targets: () => [],
    async process(data): Promise<InvalidateJobResult> {
      const scope = invalidationScope(ctx.keys, data.target)
      const result: InvalidateJobResult = { written: [], mode: data.mode, touched: 0, derived: 0 }
      if ('key' in scope) {
        await invalidate([scope], result)
        return result
      }
      for await (const keys of ctx.reader.scan(scope.pattern, BATCH)) {
        const covered = keys.flatMap((key) => {
          const dataset = scope.covers(key)
          return dataset ? [{ key, dataset, params: paramsOfKey(ctx.keys, dataset, key) }] : []
        })
        await invalidate(covered, result)
      }
      return result
    },
  }
}
