import type { PushedDataset } from './dataset'
import type { FreshnessPolicy } from './freshness'
import { valueProblem } from './schema-check'

/** ISO 8601 date-time with a zone, e.g. `2025-01-02T14:30:00Z` (checked as a date, too). */
export const ISO_TIME_PATTERN =
  '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$'

/** Epoch ms of an ISO time that passed ISO_TIME_PATTERN; NaN for one that is no date (month 13). */
export function isoTime(value: string): number {
  return Date.parse(value)
}

/** Why a pushed value is refused: `message` is `<path>: <problem>` (`/items/3/confidence: …`). */
export interface PushProblem {
  message: string
  /** Over the dataset's `maxValueBytes` (a 413), rather than malformed (a 400). */
  tooLarge: boolean
}

/**
 * The first problem of one pushed value, or null: the dataset's value schema, its size bound,
 * and its times (real dates; not already expired at `now`). Both apps run it: the API before
 * anything is enqueued, the worker again.
 */
export function pushedValueProblem(
  dataset: PushedDataset,
  value: unknown,
  path: string,
  now: number,
): PushProblem | null {
  const invalid = (message: string) => ({ message: `${path}${message}`, tooLarge: false })
  const problem = valueProblem(dataset.value, value, path)
  if (problem !== null) return { message: problem, tooLarge: false }
  const { push } = dataset
  if (push.maxValueBytes !== undefined) {
    const bytes = Buffer.byteLength(JSON.stringify(value))
    if (bytes > push.maxValueBytes) {
      const message = `${path}: the value is ${bytes} bytes of JSON; at most ${push.maxValueBytes} are stored`
      return { message, tooLarge: true }
    }
  }
  if (Number.isNaN(push.asOf(value) ?? 0)) return invalid(': its timestamp is not a real date')
  const expiresAt = push.expiresAt?.(value)
  if (expiresAt !== undefined) {
    if (Number.isNaN(expiresAt)) return invalid(': its expiry is not a real date')
    if (expiresAt <= now) return invalid(': it has already expired')
  }
  return null
}

/** When a pushed entry was made (`asOf`) and until when it is fresh: its TTL, bounded. */
export interface PushedTimes {
  asOf: number
  freshUntil: number
}

/**
 * The times of a pushed value's entry: `asOf` from the value, else when the push was accepted;
 * fresh until the value's own expiry, else the push's `ttlMs`, else the default, and never past
 * the maximum (`policy.freshMs`).
 */
export function pushedTimes(
  dataset: PushedDataset,
  value: unknown,
  options: { policy: FreshnessPolicy; acceptedAt: number; now: number; ttlMs?: number },
): PushedTimes {
  const { policy, now } = options
  const latest = now + policy.freshMs
  const asked =
    dataset.push.expiresAt?.(value) ??
    now + (options.ttlMs ?? policy.defaultFreshMs ?? policy.freshMs)
  return {
    asOf: dataset.push.asOf(value) ?? options.acceptedAt,
    freshUntil: Math.min(asked, latest),
  }
}
