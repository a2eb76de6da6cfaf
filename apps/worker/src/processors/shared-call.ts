import type { JobHandle, JobResult, ProcessorContext } from '../contracts/processor'
import { writtenSince } from '../written-since'

/** One thing a provider call can fetch (a coin id, a pair), with the cache key it fills. */
export interface CallItem<T> {
  key: string
  item: T
}

/**
 * One provider call for this job's item and the items of the jobs beside it or behind it
 * (misses from other requests and replicas, found by `others`), where the provider takes many
 * in one call. Items another call in this process is already fetching are left to it; if that
 * includes this job's own item, the job waits for that call and is dropped once it wrote the
 * entry. The jobs served here find their entries written when their turn comes and are dropped
 * too. The job runner has just checked the own entry, so it is read again only when a call here
 * touched it since.
 */
export async function sharedCall<T>(
  ctx: ProcessorContext,
  handle: JobHandle,
  own: CallItem<T>,
  others: () => Promise<readonly CallItem<T>[]>,
  call: (items: T[]) => Promise<JobResult>,
): Promise<JobResult> {
  const { data, timestamp } = handle.job
  const seenAt = data.seenAt ?? timestamp
  let looked = Date.now()
  const candidates = await others()
  // Until no call here has touched the own key while this job looked: then it is this job's.
  while (ctx.claims.pending(own.key) || ctx.claims.settledSince(own.key, looked)) {
    looked = Date.now()
    await ctx.claims.pending(own.key)
    if (
      data.origin !== 'update' &&
      (await writtenSince(ctx.reader, [own.key], seenAt, ctx.now()))
    ) {
      return { written: [], dropped: true }
    }
  }
  const byKey = new Map(candidates.map((other) => [other.key, other.item]))
  return ctx.claims.run([own.key, ...byKey.keys()], (claimed) => {
    const rest = claimed.flatMap((key) => (key === own.key ? [] : [byKey.get(key) as T]))
    return call([own.item, ...rest])
  })
}
