import { Value } from '@sinclair/typebox/value'
import { type AnyDataset, cacheKey } from './dataset'
import { InvalidParamError } from './errors'
import type { JobData } from './jobs'
import { type Keys, keySegment } from './keys'
import { datasetNamed, datasets, entryParams, isDatasetName } from './registry'

/** What `POST /v1/cache/invalidate` asks for: `delete` the entries, or `expire` them (soft purge). */
export type Invalidation = JobData<'control.invalidate'>
export type InvalidationTarget = Invalidation['target']
export type InvalidationMode = Invalidation['mode']

/** The keys a target covers: one key, or a SCAN pattern and the check of each key it returns. */
export type InvalidationScope =
  | { key: string; dataset: AnyDataset; params: Record<string, unknown> }
  | {
      pattern: string
      /** The dataset a returned key belongs to when the target covers it, else null. */
      covers(key: string): AnyDataset | null
    }

const PROBE = '\u0000'

/**
 * The param each segment of a dataset's key holds as it is (null where a segment is a constant
 * or is computed, like a backtest's digest): found by building the key from probe values. Only
 * these params can be matched on, since a key cannot be told apart by a param it does not show.
 */
export function segmentParams(dataset: AnyDataset): (string | null)[] {
  const names = Object.keys(dataset.params.properties)
  const probe = Object.fromEntries(names.map((name) => [name, `${PROBE}${name}`]))
  try {
    return (dataset.segments(probe) as string[]).map((segment) => {
      const name = segment.startsWith(PROBE) ? segment.slice(1) : null
      return name !== null && names.includes(name) ? name : null
    })
  } catch {
    return []
  }
}

/**
 * The segments a `match` pins, in key order (null: any), after checking every field: a param
 * of the dataset that its key shows, a valid segment, and a value the param's schema allows in
 * some letter case (the match ignores case, as keys are canonical).
 */
export function matchParts(dataset: AnyDataset, match: Record<string, string>): (string | null)[] {
  const positions = segmentParams(dataset)
  const names = Object.keys(match)
  if (names.length === 0) throw new InvalidParamError('match', 'match names no parameter')
  for (const name of names) {
    const field = `match.${name}`
    const schema = dataset.params.properties[name]
    if (!schema) {
      const accepted = Object.keys(dataset.params.properties).join(', ')
      throw new InvalidParamError(
        field,
        `${field} is not a parameter of ${dataset.name}; it takes ${accepted}`,
      )
    }
    if (!positions.includes(name)) {
      throw new InvalidParamError(
        field,
        `${field} cannot be matched: ${dataset.name} keys do not show it; invalidate one entry with params, or the dataset`,
      )
    }
    const value = keySegment(field, String(match[name]))
    if (![value, value.toLowerCase(), value.toUpperCase()].some((v) => Value.Check(schema, v))) {
      throw new InvalidParamError(field, `${field} "${value}" is not a valid ${name}`)
    }
  }
  return positions.map((name) => (name !== null && name in match ? (match[name] as string) : null))
}

/** Checks a target as the API receives it and returns it as the worker will run it. */
export function invalidationScope(keys: Keys, target: InvalidationTarget): InvalidationScope {
  if ('all' in target) {
    return { pattern: keys.cachePattern(), covers: (key) => datasetOfKey(keys, key) }
  }
  const dataset = datasetNamed(target.dataset)
  if ('params' in target) {
    const params = entryParams(dataset, target.params)
    return { key: cacheKey(keys, dataset, params), dataset, params }
  }
  const parts = 'match' in target ? matchParts(dataset, target.match) : null
  const width = segmentParams(dataset).length
  const pattern = keys.cacheMatch(dataset.name, dataset.schemaVersion, parts ?? [])
  return {
    pattern: parts ? pattern : `${keys.cache(dataset.name, dataset.schemaVersion, [])}:*`,
    covers(key) {
      const segments = keys.cacheSegments(key, dataset.name, dataset.schemaVersion)
      if (!segments || (width > 0 && segments.length !== width)) return null
      const pinned = parts ?? []
      const ok = pinned.every(
        (part, i) => part === null || segments[i]?.toLowerCase() === part.toLowerCase(),
      )
      return ok ? dataset : null
    },
  }
}

/** The dataset of one of our cache keys, in its current schema version only. */
function datasetOfKey(keys: Keys, key: string): AnyDataset | null {
  const name = keys.datasetOf(key)
  if (name === null || !isDatasetName(name)) return null
  const dataset = datasets[name]
  return keys.cacheSegments(key, dataset.name, dataset.schemaVersion) ? dataset : null
}

/** A key's params, where every param is shown in it as it is; null otherwise. */
export function paramsOfKey(
  keys: Keys,
  dataset: AnyDataset,
  key: string,
): Record<string, string> | null {
  const segments = keys.cacheSegments(key, dataset.name, dataset.schemaVersion)
  const positions = segmentParams(dataset)
  const names = Object.keys(dataset.params.properties)
  if (!segments || segments.length !== positions.length) return null
  const params: Record<string, string> = {}
  positions.forEach((name, i) => {
    if (name !== null) params[name] = segments[i] as string
  })
  return names.every((name) => name in params) ? params : null
}
