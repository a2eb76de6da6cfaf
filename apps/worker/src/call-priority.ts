import { AsyncLocalStorage } from 'node:async_hooks'
import { Priority } from '@marketcache/shared/jobs'

/**
 * The BullMQ priority of the job a provider call is made for, carried through its async work, so
 * a pacer shared by many jobs can serve the most urgent call first (a miss before a warm-up's
 * hundreds of qualification calls). Lower is more urgent, as in BullMQ.
 */
const current = new AsyncLocalStorage<number>()

/** Runs `work` with its calls at `priority`. */
export function withCallPriority<T>(priority: number, work: () => Promise<T>): Promise<T> {
  return current.run(priority, work)
}

/** The priority of the job this call is made for; a call outside any job counts as a miss. */
export function callPriority(): number {
  return current.getStore() ?? Priority.miss
}
