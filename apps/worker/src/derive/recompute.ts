import { type AnyDataset, cacheKey, fillOf, type RecomputeOn } from '@marketcache/shared/dataset'
import type { Keys } from '@marketcache/shared/keys'
import type { RedisClient } from '@marketcache/shared/redis-client'
import { datasets } from '@marketcache/shared/registry'
import type { ProcessorContext } from '../contracts/processor'
import type { EnvelopeEntry } from '../envelope-writer'
import type { Logger } from '../logger'

interface Dependent {
  derived: AnyDataset
  dependency: RecomputeOn<unknown>
}

/** Every `recomputeOn` declaration, by the name of the input dataset whose writes trigger it. */
export function dependentsByInput(
  definitions: Iterable<AnyDataset> = Object.values(datasets),
): ReadonlyMap<string, readonly Dependent[]> {
  const byInput = new Map<string, Dependent[]>()
  for (const derived of definitions) {
    for (const dependency of derived.recomputeOn ?? []) {
      const list = byInput.get(dependency.input.name) ?? []
      list.push({ derived, dependency })
      byInput.set(dependency.input.name, list)
    }
  }
  return byInput
}

export interface RecomputeDeps {
  /** The cache Redis: where derived entries are looked for. */
  redis: RedisClient
  keys: Keys
  enqueue: ProcessorContext['enqueue']
  logger: Logger
  /** @defaultValue every registered dataset's `recomputeOn` */
  dependents?: ReadonlyMap<string, readonly Dependent[]>
}

/**
 * The envelope writer's `onWritten` hook: for each written input entry, the derived entries that
 * declare it in `recomputeOn` and EXIST are re-enqueued at stale priority, deduplicated like any
 * fill (a recompute already waiting absorbs this one). A derived entry that does not exist is
 * left alone: nobody reads it, and its first read computes it. Failures are logged, never thrown,
 * because the input is written by then and its job must not fail for this.
 */
export function recomputeDependents(deps: RecomputeDeps) {
  const dependents = deps.dependents ?? dependentsByInput()
  return async (written: readonly EnvelopeEntry[]): Promise<void> => {
    const targets = new Map<string, { dataset: AnyDataset; params: unknown }>()
    for (const { subject } of written) {
      if (subject === undefined) continue
      const entries = derivedEntries(dependents, deps.keys, subject, (error, derived) =>
        deps.logger.warn(
          { err: error, input: subject.dataset.name, derived: derived.name },
          'recompute: no params for the derived entry',
        ),
      )
      for (const entry of entries) targets.set(entry.key, entry)
    }
    await Promise.all(
      [...targets].map(async ([key, { dataset, params }]) => {
        try {
          const fill = fillOf(dataset, params as object)
          if (fill === null || (await deps.redis.exists(key)) === 0) return
          await deps.enqueue(fill, 'stale')
          deps.logger.debug({ key }, 'recompute enqueued')
        } catch (error) {
          deps.logger.warn({ err: error, key }, 'recompute: could not enqueue')
        }
      }),
    )
  }
}

/**
 * The derived entries (`recomputeOn`) built on one input entry: their keys and canonical params.
 * A mapping that yields params its dataset refuses is reported to `onError` and skipped.
 */
export function derivedEntries(
  dependents: ReadonlyMap<string, readonly Dependent[]>,
  keys: Keys,
  input: { dataset: AnyDataset; params: Readonly<Record<string, unknown>> },
  onError: (error: unknown, derived: AnyDataset) => void,
): { key: string; dataset: AnyDataset; params: unknown }[] {
  return (dependents.get(input.dataset.name) ?? []).flatMap(({ derived, dependency }) => {
    try {
      const mapped = dependency.params(input.params)
      if (mapped === null) return []
      // Canonical and validated like any caller's params before a key is built from them.
      const params = derived.parseParams(mapped as Record<string, unknown>)
      return [{ key: cacheKey(keys, derived, params), dataset: derived, params }]
    } catch (error) {
      onError(error, derived)
      return []
    }
  })
}
