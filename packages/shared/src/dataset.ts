import type { Static, TObject, TSchema } from '@sinclair/typebox'
import type { FreshnessPolicy } from './freshness'
import type { JobRequest } from './jobs'
import type { Keys } from './keys'

/**
 * Everything marketcache knows about one kind of cached value. Adding a dataset means adding one
 * of these under `datasets/` and registering it; both apps work from this definition alone.
 */
export interface DatasetDefinition<
  Name extends string = string,
  P extends TObject = TObject,
  V extends TSchema = TSchema,
> {
  name: Name
  /** Bumping it orphans the old keys, which then expire. */
  schemaVersion: number
  /** Canonical params (after `parseParams`). */
  params: P
  /** Validates and canonicalises raw input (case, allowed characters); throws InvalidParamError. */
  parseParams(raw: Readonly<Record<string, unknown>>): Static<P>
  /** Key segments for canonical params, in key order. */
  segments(params: Static<P>): string[]
  /** The normalised value; provider output that fails it is never cached. */
  value: V
  /** Defaults; each app may override them from its config. */
  freshness: FreshnessPolicy
  /**
   * Narrows the (configured) policy for particular params, e.g. one-minute candles must not stay
   * fresh for an hour. Absent: the policy applies as is.
   */
  freshnessFor?(params: Static<P>, policy: FreshnessPolicy): FreshnessPolicy
  /** The provider job whose run writes this dataset's entry for these params; its queue names the provider. */
  fill(params: Static<P>): JobRequest
}

// biome-ignore lint/suspicious/noExplicitAny: a registry holds definitions of every shape
export type AnyDataset = DatasetDefinition<string, any, any>

export function defineDataset<Name extends string, P extends TObject, V extends TSchema>(
  definition: DatasetDefinition<Name, P, V>,
): DatasetDefinition<Name, P, V> {
  return definition
}

/** The cache key for a dataset entry; the only way code turns params into a key. */
export function cacheKey<D extends AnyDataset>(
  keys: Keys,
  dataset: D,
  params: Static<D['params']>,
): string {
  return keys.cache(dataset.name, dataset.schemaVersion, dataset.segments(params))
}
