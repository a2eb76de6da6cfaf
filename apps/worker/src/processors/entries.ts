import { type AnyDataset, cacheKey } from '@marketcache/shared/dataset'
import type { EntrySource } from '@marketcache/shared/envelope'
import type { FreshnessPolicy } from '@marketcache/shared/freshness'
import type { DatasetName } from '@marketcache/shared/registry'
import type { Static } from '@sinclair/typebox'
import type { ProcessorContext } from '../contracts/processor'
import { buildEnvelope } from '../envelope-builder'
import type { EnvelopeEntry, NotFoundEntry } from '../envelope-writer'

/** The configured policy for a dataset, narrowed for these params where the dataset says so. */
export function policyOf<D extends AnyDataset>(
  ctx: ProcessorContext,
  dataset: D,
  params: Static<D['params']>,
): FreshnessPolicy {
  const configured = ctx.freshness[dataset.name as DatasetName]
  return dataset.freshnessFor?.(params, configured) ?? configured
}

/**
 * The entry a processor writes for one dataset key: the key from the shared builder, the envelope
 * from a value already validated against `dataset.value`. Every processor writes through this.
 */
export function entryOf<D extends AnyDataset>(
  ctx: ProcessorContext,
  dataset: D,
  params: Static<D['params']>,
  value: Static<D['value']>,
  meta: { asOf: number; source: EntrySource; basis?: number },
): EnvelopeEntry {
  const envelope = buildEnvelope({
    dataset,
    value,
    asOf: meta.asOf,
    source: meta.source,
    policy: policyOf(ctx, dataset, params),
    now: ctx.now(),
    random: ctx.random,
  })
  if (meta.basis !== undefined) envelope.basis = meta.basis
  return { key: cacheKey(ctx.keys, dataset, params), envelope, subject: { dataset, params } }
}

/** Where a "does not exist" answer for these params is remembered, and for how long. */
export function targetOf<D extends AnyDataset>(
  ctx: ProcessorContext,
  dataset: D,
  params: Static<D['params']>,
): NotFoundEntry {
  return {
    key: cacheKey(ctx.keys, dataset, params),
    negativeMs: policyOf(ctx, dataset, params).negativeMs,
  }
}
