import { isPushed, type PushedDataset } from '@marketcache/shared/dataset'
import { pushedTimes, pushedValueProblem } from '@marketcache/shared/push'
import { datasets, isDatasetName } from '@marketcache/shared/registry'
import { UnrecoverableError } from 'bullmq'
import type { JobProcessor, ProcessorContext } from '../contracts/processor'
import type { EnvelopeEntry } from '../envelope-writer'
import { entryOf } from './entries'

/** The pushed dataset a job names; anything else is a producer bug no retry fixes. */
function pushedDataset(name: string): PushedDataset {
  const dataset = isDatasetName(name) ? datasets[name] : null
  if (dataset === null || !isPushed(dataset)) {
    throw new UnrecoverableError(`INVALID_JOB: ${name} is not a pushed dataset`)
  }
  return dataset
}

/**
 * `push.write`: a producer's values (checked by the API, and again here) written through the
 * one envelope writer, CAS on `asOf` like every entry. A value that expired while it waited in the
 * queue is not written; one whose stored entry has a newer `asOf` is kept behind it (`kept`).
 */
export function pushWriteProcessor(ctx: ProcessorContext): JobProcessor<'push.write'> {
  const invalid = (message: string) => new UnrecoverableError(`INVALID_PUSH: ${message}`)
  return {
    // Nothing to mark on failure: a push has no stale entry to serve in its place.
    targets: () => [],
    async process(data) {
      const dataset = pushedDataset(data.dataset)
      const policy = ctx.freshness[dataset.name as keyof typeof ctx.freshness]
      const now = ctx.now()
      const ttlMs = dataset.push.acceptsTtl && data.ttl !== undefined ? data.ttl * 1000 : undefined
      const entries: EnvelopeEntry[] = []
      const expired: string[] = []
      data.items.forEach((value, index) => {
        // Checked as the API did, when it accepted the push.
        const problem = pushedValueProblem(dataset, value, `/items/${index}`, data.at)
        if (problem !== null) throw invalid(`${dataset.name}${problem.message}`)
        const times = pushedTimes(dataset, value, {
          policy,
          acceptedAt: data.at,
          now,
          ...(ttlMs === undefined ? {} : { ttlMs }),
        })
        const params = dataset.push.paramsOf(value)
        if (times.freshUntil <= now) {
          expired.push(dataset.segments(params).join('/'))
          return
        }
        entries.push(entryOf(ctx, dataset, params, value, { source: 'pushed', ...times, invalid }))
      })
      const outcomes = await ctx.writer.write(entries)
      return {
        written: outcomes.filter((o) => o.written).map((o) => o.key),
        kept: outcomes.filter((o) => !o.written).map((o) => o.key),
        expired,
      }
    },
  }
}
