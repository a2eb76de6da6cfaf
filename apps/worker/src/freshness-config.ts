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

/** `option-chain` + `FRESH_S` → `OPTION_CHAIN_FRESH_S`. */
export function freshnessVariable(dataset: string, suffix: keyof typeof FRESHNESS_FIELDS): string {
  return `${dataset.toUpperCase().replaceAll('-', '_')}_${suffix}`
}

/** `<DATASET>_FRESH_S` etc. for every registered dataset, defaulting to its own policy. */
export function freshnessEnv(): Record<string, TSchema> {
  const properties: Record<string, TSchema> = {}
  for (const name of datasetNames) {
    const policy = datasets[name].freshness
    for (const [suffix, field] of Object.entries(FRESHNESS_FIELDS)) {
      // A zero fresh or negative TTL would write entries that expire at once.
      const positive = field === 'freshMs' || field === 'negativeMs'
      properties[freshnessVariable(name, suffix as keyof typeof FRESHNESS_FIELDS)] = Type.Number({
        ...(positive ? { exclusiveMinimum: 0 } : { minimum: 0 }),
        default: policy[field] / 1000,
      })
    }
  }
  return properties
}

/** Per-dataset policy after `<DATASET>_*_S` overrides, in milliseconds. */
export function freshnessFrom(parsed: Readonly<Record<string, unknown>>): FreshnessConfig {
  const seconds = (name: string, suffix: keyof typeof FRESHNESS_FIELDS) =>
    Math.round(Number(parsed[freshnessVariable(name, suffix)]) * 1000)
  return Object.fromEntries(
    datasetNames.map((name) => [
      name,
      {
        freshMs: seconds(name, 'FRESH_S'),
        staleMs: seconds(name, 'STALE_S'),
        errorMs: seconds(name, 'ERROR_S'),
        negativeMs: seconds(name, 'NEGATIVE_S'),
      },
    ]),
  ) as Record<DatasetName, FreshnessPolicy>
}
