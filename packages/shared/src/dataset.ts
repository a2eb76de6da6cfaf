import type { Static, TObject, TSchema } from '@sinclair/typebox'
import type { FreshnessPolicy } from './freshness'
import type { JobRequest } from './jobs'
import type { Keys } from './keys'

/** Where a dataset's values come from: a provider (or derive) job, or the user's own producers. */
export const DatasetSource = { fetched: 'fetched', pushed: 'pushed' } as const
export type DatasetSource = (typeof DatasetSource)[keyof typeof DatasetSource]

/**
 * Everything marketcache knows about one kind of cached value. Adding a dataset means adding one
 * of these under `datasets/` and registering it; both apps work from this definition alone.
 */
export type DatasetDefinition<
  Name extends string = string,
  P extends TObject = TObject,
  V extends TSchema = TSchema,
> = FetchedDataset<Name, P, V> | PushedDataset<Name, P, V>

/** What every dataset has, fetched or pushed. */
interface DatasetCore<Name extends string, P extends TObject, V extends TSchema> {
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
}

/** A dataset filled by a provider (or derive) job on a miss, a refresh or a warm-up. */
export interface FetchedDataset<
  Name extends string = string,
  P extends TObject = TObject,
  V extends TSchema = TSchema,
> extends DatasetCore<Name, P, V> {
  source: typeof DatasetSource.fetched
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

/**
 * A dataset no provider serves: the user's producers push its values (`POST /v1/push/<name>`)
 * and the worker writes them. A miss is a 404, never a job; nothing refreshes an entry, so it has
 * no stale window: it is fresh until its TTL, then gone. `freshness.freshMs` is the longest TTL
 * a push may give (`<NAME>_MAX_TTL_S`).
 */
export interface PushedDataset<
  Name extends string = string,
  P extends TObject = TObject,
  V extends TSchema = TSchema,
> extends DatasetCore<Name, P, V> {
  source: typeof DatasetSource.pushed
  push: PushPolicy<Static<P>, Static<V>>
}

/** How a pushed value (already checked against the dataset's `value`) becomes an entry. */
export interface PushPolicy<Params, Value> {
  /** The entry's params, read from the value (a signal's id); validated by the value schema. */
  paramsOf(value: Value): Params
  /** The producer's own timestamp (epoch ms), or null: the time the API accepted the push. */
  asOf(value: Value): number | null
  /**
   * When the value stops being fresh (epoch ms), from the value itself (a signal's
   * `expires_at`). Absent: the push's `ttl`, else `freshness.defaultFreshMs`. Never past the
   * maximum TTL.
   */
  expiresAt?(value: Value): number
  /** Whether a push may name its TTL in seconds (`?ttl=`). @defaultValue false */
  acceptsTtl?: boolean
  /** The largest value, in bytes of JSON, a push may store. @defaultValue no limit beyond the body's */
  maxValueBytes?: number
  /**
   * A secondary index the writer keeps beside the entries: a sorted set per `segment`, of entry
   * keys scored by their `freshUntil`, so readers can list the live entries of, e.g., a symbol.
   */
  index?: PushIndex<Value>
}

export interface PushIndex<Value> {
  /** The indexed field, part of the index key: `symbol`. */
  name: string
  /** The value's index segment (canonical, validated by the value schema): `AAPL`. */
  segment(value: Value): string
  /** The segment a reader names, validated and canonical (`aapl` → `AAPL`); throws InvalidParamError. */
  parse(raw: string): string
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
  definition: Omit<FetchedDataset<Name, P, V>, 'source'>,
): FetchedDataset<Name, P, V> {
  return { ...definition, source: DatasetSource.fetched }
}

export function definePushedDataset<Name extends string, P extends TObject, V extends TSchema>(
  definition: Omit<PushedDataset<Name, P, V>, 'source'>,
): PushedDataset<Name, P, V> {
  return { ...definition, source: DatasetSource.pushed }
}

export function isPushed<D extends AnyDataset>(
  dataset: D,
): dataset is Extract<D, { source: typeof DatasetSource.pushed }> {
  return dataset.source === DatasetSource.pushed
}

/** The job that fills a dataset's entry for these params; null for a pushed dataset (no job does). */
export function fillOf(dataset: AnyDataset, params: object): JobRequest | null {
  return dataset.source === DatasetSource.fetched ? dataset.fill(params) : null
}

/** The cache key for a dataset entry; the only way code turns params into a key. */
export function cacheKey<D extends AnyDataset>(
  keys: Keys,
  dataset: D,
  params: Static<D['params']>,
): string {
  return keys.cache(dataset.name, dataset.schemaVersion, dataset.segments(params))
}
