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
  /**
   * For derived datasets: an input whose move makes an entry stale before its time. The entry
   * stores the input's value as `basis`; a read compares it with the input's current value.
   */
  staleWhen?: StaleWhen<Static<P>>
  /**
   * For derived datasets: inputs whose writes make an existing entry worth recomputing at once,
   * e.g. a collar when its underlying's chain is rewritten. The worker re-enqueues this dataset's
   * fill (deduplicated, at stale priority) only where an entry already exists: one that exists
   * is being read, and one nobody reads is left to expire. Declare items with `dependsOn`.
   */
  recomputeOn?: readonly RecomputeOn<Static<P>>[]
  /** The provider job whose run writes this dataset's entry for these params; its queue names the provider. */
  fill(params: Static<P>): JobRequest
  /**
   * Other datasets whose entry for the same params the same `fill` writes (one `/coins/{id}` call
   * fills `coin` and `tokenomics`), so a command can list every key it refreshes.
   */
  fillsAlso?: readonly AnyDataset[]
  /**
   * The provider catalog (see `datasets/catalog.ts`) that must list these params' id before a
   * miss may spend quota on it: once that catalog is cached, a miss for an id it lacks is a 404
   * with no job. Absent, or null for these params: no catalog applies.
   */
  listedIn?(params: Static<P>): { catalog: string; id: string } | null
  /** Where the provider can fill many entries with one call: how to ask it (update-cache, multi-gets). */
  batch?: BatchFill<Static<P>>
}

/** A dataset's batched fill: fewer provider calls than one `fill` per entry. */
export interface BatchFill<Params> {
  /** Most entries one command may name (the provider's page size). */
  maxItems: number
  /** One request per provider page, each with the params it fills, in the given order. */
  fill(params: readonly Params[]): { request: JobRequest; params: Params[] }[]
  /** The provider's top `limit` entries by its own ranking (coins by market cap): the job decides which. */
  top?(limit: number): JobRequest
}

export interface StaleWhen<Params> {
  /** The input entry to compare with, e.g. the spot of a collar's underlying. */
  input(params: Params): { dataset: string; params: Record<string, string> }
  /** The number in the input's value that the basis records, e.g. its price. */
  read(inputValue: unknown): number | null
  /** Relative move (0.05 = 5 %) past which the entry is stale; apps may override it. */
  movedBy: number
}

export interface RecomputeOn<Params, I extends AnyDataset = AnyDataset> {
  /** The input dataset whose writes trigger the recompute. */
  input: I
  /** The derived entry's params for a written input entry's params; null: no entry depends on it. */
  params(inputParams: Static<I['params']>): Params | null
}

// biome-ignore lint/suspicious/noExplicitAny: a registry holds definitions of every shape
export type AnyDataset = DatasetDefinition<string, any, any>

/** A `recomputeOn` item, its params mapping typed by the input dataset's params. */
export function dependsOn<I extends AnyDataset, Params>(
  input: I,
  params: (inputParams: Static<I['params']>) => Params | null,
): RecomputeOn<Params, I> {
  return { input, params }
}

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
