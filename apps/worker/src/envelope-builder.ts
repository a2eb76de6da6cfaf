import { createHash } from 'node:crypto'
import type { AnyDataset } from '@marketcache/shared/dataset'
import { compressedIfLarge, type EntrySource, type Envelope } from '@marketcache/shared/envelope'
import { type FreshnessPolicy, freshnessTimes } from '@marketcache/shared/freshness'

export interface EnvelopeInput {
  dataset: AnyDataset
  /** Already validated against `dataset.value`. */
  value: unknown
  /** The provider's own timestamp for the value (epoch ms). */
  asOf: number
  source: EntrySource
  /** The dataset's policy after config overrides. */
  policy: FreshnessPolicy
  now: number
  /** In [0, 1): freshness jitter; injectable so tests are exact. */
  random?: () => number
}

/** A strong ETag over the exact bytes served: the API sends `data` as-is. */
export function etagOf(data: string): string {
  return `"${createHash('sha256').update(data).digest('hex').slice(0, 16)}"`
}

/** Turns a validated value into the envelope the writer stores (gzipped when it is large). */
export function buildEnvelope(input: EnvelopeInput): Envelope {
  const data = JSON.stringify(input.value)
  const times = freshnessTimes(input.policy, input.now, input.random)
  return compressedIfLarge({
    data,
    asOf: input.asOf,
    fetchedAt: input.now,
    freshUntil: times.freshUntil,
    staleUntil: times.staleUntil,
    errorUntil: times.errorUntil,
    etag: etagOf(data),
    source: input.source,
    schema: input.dataset.schemaVersion,
  })
}
