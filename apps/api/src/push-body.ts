import { cacheKey, type PushedDataset } from '@marketcache/shared/dataset'
import type { Keys } from '@marketcache/shared/keys'
import { pushedValueProblem } from '@marketcache/shared/push'
import { PUSH_MAX_ITEMS } from '@marketcache/shared/push-job'
import { ApiError } from './errors'

/** One value of a push, with the entry it becomes. */
export interface PushedItem {
  value: unknown
  key: string
  /** The `asOf` its entry gets: the producer's, else the push's acceptance time. */
  asOf: number
}

/** A body that is a batch: `{items: [...]}` and nothing else. */
function batchItems(body: unknown): unknown[] | null {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return null
  const keys = Object.keys(body)
  const items = (body as { items?: unknown }).items
  return keys.length === 1 && Array.isArray(items) ? items : null
}

/**
 * The values of a push body (one value, or `{items: [...]}` of 1 to PUSH_MAX_ITEMS), each
 * checked against the dataset as the worker will check it. Nothing is enqueued for a body with
 * one bad value: 400 INVALID_BODY naming its JSON path, or 413 for a value over the size bound.
 * Two values for one entry in a batch are refused too: which one wins would be a guess.
 */
export function pushedItems(
  keys: Keys,
  dataset: PushedDataset,
  body: unknown,
  acceptedAt: number,
): PushedItem[] {
  const batch = batchItems(body)
  if (batch !== null && (batch.length === 0 || batch.length > PUSH_MAX_ITEMS)) {
    throw new ApiError(
      'INVALID_BODY',
      `/items: a batch holds 1 to ${PUSH_MAX_ITEMS} values, got ${batch.length}`,
    )
  }
  const values = batch ?? [body]
  const seen = new Map<string, number>()
  return values.map((value, index) => {
    const path = batch === null ? '' : `/items/${index}`
    const problem = pushedValueProblem(dataset, value, path, acceptedAt)
    if (problem !== null) {
      const message = problem.message.startsWith(':') ? `(root)${problem.message}` : problem.message
      throw new ApiError(problem.tooLarge ? 'PAYLOAD_TOO_LARGE' : 'INVALID_BODY', message)
    }
    const key = cacheKey(keys, dataset, dataset.push.paramsOf(value))
    const twin = seen.get(key)
    if (twin !== undefined) {
      throw new ApiError('INVALID_BODY', `${path}: the same entry as /items/${twin}`)
    }
    seen.set(key, index)
    return { value, key, asOf: dataset.push.asOf(value) ?? acceptedAt }
  })
}
