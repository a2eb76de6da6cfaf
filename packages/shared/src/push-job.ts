import { Type } from '@sinclair/typebox'

/** The most values one push (`{items: [...]}`) may carry: they go into one job. */
export const PUSH_MAX_ITEMS = 500

/**
 * The data of a `push.write` job. The values are checked against the dataset by the API and
 * again by the worker, so here they are only a bounded list.
 */
export const PushJobData = Type.Object({
  dataset: Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$' }),
  items: Type.Array(Type.Unknown(), { minItems: 1, maxItems: PUSH_MAX_ITEMS }),
  /** The push's own TTL in seconds (datasets that accept one), bounded by the worker. */
  ttl: Type.Optional(Type.Integer({ minimum: 1 })),
  /** When the API accepted it (epoch ms): the `asOf` of values that carry none. */
  at: Type.Integer({ minimum: 0 }),
})

/**
 * A push job carries its values (up to the push body limit), so fewer are kept, for less long.
 * @defaultValue completed ones kept 10 min (≤ 100), failed ones 24 h (≤ 500)
 */
export const PUSH_RETENTION = {
  removeOnComplete: { age: 600, count: 100 },
  removeOnFail: { age: 86_400, count: 500 },
} as const
