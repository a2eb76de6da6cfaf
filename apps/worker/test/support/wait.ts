import { setTimeout as sleep } from 'node:timers/promises'
import type { Job, Queue } from 'bullmq'

/** Polls `check` until it returns a value other than undefined; fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined> | T | undefined,
  { timeoutMs = 10_000, intervalMs = 25, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const value = await check()
    if (value !== undefined) return value
    await sleep(intervalMs)
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
}

/** Waits until the job is completed or failed, and returns it re-read from Redis. */
export async function settled(queue: Queue, jobId: string, timeoutMs = 10_000): Promise<Job> {
  return waitFor(
    async () => {
      const state = await queue.getJobState(jobId)
      // Read the job after its state is final: a copy read earlier would be stale.
      return state === 'completed' || state === 'failed' ? queue.getJob(jobId) : undefined
    },
    { timeoutMs, what: `job ${jobId} to settle` },
  )
}
