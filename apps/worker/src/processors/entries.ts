import { type AnyDataset, cacheKey, isPushed } from '@marketcache/shared/dataset'
import type { FreshnessPolicy } from '@marketcache/shared/freshness'
import type { ProviderName } from '@marketcache/shared/providers'
import type { DatasetName } from '@marketcache/shared/registry'
import { valueProblem } from '@marketcache/shared/schema-check'
import type { Static } from '@sinclair/typebox'
import type { ProcessorContext } from '../contracts/processor'
import { buildEnvelope } from '../envelope-builder'
import type { EnvelopeEntry, NotFoundEntry } from '../envelope-writer'
import { ProviderBadResponseError } from '../errors'

/** The configured policy for a dataset, narrowed for these params where the dataset says so. */
export function policyOf<D extends AnyDataset>(
  ctx: ProcessorContext,
  dataset: D,
  params: Static<D['params']>,
): FreshnessPolicy {
  const configured = ctx.freshness[dataset.name as DatasetName]
  return dataset.freshnessFor?.(params, configured) ?? configured
}

/** Where an entry's value came from, and so what a value failing its schema is. */
export type EntryMeta = { asOf: number; basis?: number } & (
  | {
      /** A provider's answer: a value failing the schema is its bad response (retried). */
      source: ProviderName
      /** The endpoint template the value came from, named in the error. */
      endpoint: string
    }
  | {
      source: 'derived'
      /** The error for a value failing its schema. @defaultValue a plain (retried) Error */
      invalid?: (message: string) => Error
    }
  | {
      /** A producer's push: fresh until exactly `freshUntil` (no jitter), with no stale window. */
      source: 'pushed'
      freshUntil: number
      invalid: (message: string) => Error
    }
)

function invalidValue(problem: string, meta: EntryMeta): Error {
  if (meta.source === 'pushed') return meta.invalid(problem)
  if (meta.source === 'derived') return meta.invalid?.(problem) ?? new Error(problem)
  return new ProviderBadResponseError(`${meta.source} ${meta.endpoint}: ${problem}`, {
    provider: meta.source,
    endpoint: meta.endpoint,
  })
}

/**
 * The entry a processor writes for one dataset key: the key from the shared builder, the envelope
 * from the value once it passes `dataset.value`. Every processor writes through this, so a value
 * failing its schema throws (naming dataset, path and problem) and is never cached.
 */
export function entryOf<D extends AnyDataset>(
  ctx: ProcessorContext,
  dataset: D,
  params: Static<D['params']>,
  value: Static<D['value']>,
  meta: EntryMeta,
): EnvelopeEntry {
  const problem = valueProblem(dataset.value, value, dataset.name)
  if (problem !== null) throw invalidValue(problem, meta)
  const now = ctx.now()
  const pushed = meta.source === 'pushed'
  const envelope = buildEnvelope({
    dataset,
    value,
    asOf: meta.asOf,
    source: meta.source,
    // Nothing refreshes a pushed entry: fresh for exactly its TTL, then gone.
    policy: pushed
      ? { freshMs: meta.freshUntil - now, staleMs: 0, errorMs: 0, negativeMs: 0 }
      : policyOf(ctx, dataset, params),
    now,
    random: pushed ? () => 0 : ctx.random,
  })
  if (meta.basis !== undefined) envelope.basis = meta.basis
  const key = cacheKey(ctx.keys, dataset, params)
  return { key, envelope, subject: { dataset, params }, ...indexOf(ctx, dataset, value) }
}

/** The index a pushed dataset lists this value in, if it keeps one. */
function indexOf(ctx: ProcessorContext, dataset: AnyDataset, value: unknown) {
  if (!isPushed(dataset) || dataset.push.index === undefined) return {}
  const { name, segment } = dataset.push.index
  return { index: ctx.keys.index(dataset.name, dataset.schemaVersion, name, segment(value)) }
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

/**
 * Writes one provider answer for many keys: the entries it priced, and negative entries for what
 * it said does not exist. Returns the job's `written`: entries that won the asOf check, then
 * every negative one.
 */
export async function writeAnswer(
  ctx: ProcessorContext,
  entries: readonly EnvelopeEntry[],
  notFound: readonly NotFoundEntry[],
  source: ProviderName,
  now = ctx.now(),
): Promise<string[]> {
  const outcomes = await ctx.writer.write(entries)
  const written = outcomes.filter((o) => o.written).map((o) => o.key)
  await ctx.writer.writeNotFound(notFound, source, now)
  return [...written, ...notFound.map((negative) => negative.key)]
}
