import { isPushed } from '@marketcache/shared/dataset'
import type { FreshnessPolicy } from '@marketcache/shared/freshness'
import { type DatasetName, datasetNames, datasets } from '@marketcache/shared/registry'
import { type TSchema, Type } from '@sinclair/typebox'
import type { FreshnessConfig } from './contracts/processor'

/** `<DATASET>_<SUFFIX>` variables and the policy field each one sets (in seconds). */
const FRESHNESS_FIELDS = {
  FRESH_S: 'freshMs',
  STALE_S: 'staleMs',
  ERROR_S: 'errorMs',
  NEGATIVE_S: 'negativeMs',
} as const satisfies Record<string, keyof FreshnessPolicy>

/**
 * A pushed dataset's variables instead: nothing refreshes its entries, so it has no stale, error
 * or negative window, only the longest TTL a push may give and, where the dataset has one, the
 * TTL of a push that names none.
 */
const PUSHED_FIELDS = {
  MAX_TTL_S: 'freshMs',
  DEFAULT_TTL_S: 'defaultFreshMs',
} as const satisfies Record<string, keyof FreshnessPolicy>

type FreshnessSuffix = keyof typeof FRESHNESS_FIELDS | keyof typeof PUSHED_FIELDS

/** `option-chain` + `FRESH_S` → `OPTION_CHAIN_FRESH_S`. */
export function freshnessVariable(dataset: string, suffix: FreshnessSuffix): string {
  return `${dataset.toUpperCase().replaceAll('-', '_')}_${suffix}`
}

/** The variables of one dataset and the policy field each sets. */
function fieldsOf(name: DatasetName): [FreshnessSuffix, keyof FreshnessPolicy][] {
  const dataset = datasets[name]
  if (!isPushed(dataset))
    return Object.entries(FRESHNESS_FIELDS) as [FreshnessSuffix, keyof FreshnessPolicy][]
  return (Object.entries(PUSHED_FIELDS) as [FreshnessSuffix, keyof FreshnessPolicy][]).filter(
    ([, field]) => dataset.freshness[field] !== undefined,
  )
}

/**
 * `<DATASET>_FRESH_S` etc. for every fetched dataset and `<DATASET>_MAX_TTL_S` (and
 * `_DEFAULT_TTL_S`) for every pushed one, defaulting to its own policy.
 */
export function freshnessEnv(): Record<string, TSchema> {
  const properties: Record<string, TSchema> = {}
  for (const name of datasetNames) {
    const policy = datasets[name].freshness
    for (const [suffix, field] of fieldsOf(name)) {
      // A zero fresh or negative TTL would write entries that expire at once.
      const positive = field === 'freshMs' || field === 'negativeMs' || field === 'defaultFreshMs'
      properties[freshnessVariable(name, suffix)] = Type.Number({
        ...(positive ? { exclusiveMinimum: 0 } : { minimum: 0 }),
        default: (policy[field] ?? 0) / 1000,
      })
    }
  }
  return properties
}

/** Per-dataset policy after `<DATASET>_*_S` overrides, in milliseconds. */
export function freshnessFrom(parsed: Readonly<Record<string, unknown>>): FreshnessConfig {
  const policyOf = (name: DatasetName): FreshnessPolicy => {
    const policy: FreshnessPolicy = { ...datasets[name].freshness }
    for (const [suffix, field] of fieldsOf(name)) {
      policy[field] = Math.round(Number(parsed[freshnessVariable(name, suffix)]) * 1000)
    }
    return policy
  }
  return Object.fromEntries(datasetNames.map((name) => [name, policyOf(name)])) as Record<
    DatasetName,
    FreshnessPolicy
  >
}
