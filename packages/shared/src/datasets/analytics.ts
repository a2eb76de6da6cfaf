import { Type } from '@sinclair/typebox'
import { definePushedDataset } from '../dataset'
import { InvalidParamError } from '../errors'
import { ISO_TIME_PATTERN, isoTime } from '../push'

/** An analytics name: lowercase, and a key segment. */
export const ANALYTICS_NAME_PATTERN = '^[a-z0-9][a-z0-9._-]{0,63}$'

export const AnalyticsParams = Type.Object({
  name: Type.String({ pattern: ANALYTICS_NAME_PATTERN }),
})

/** The largest analytics value stored, in bytes of JSON. */
export const ANALYTICS_MAX_VALUE_BYTES = 256 * 1024

/** A named value computed by the user's own code: any JSON, kept for the TTL its writer gives. */
export const AnalyticsValue = Type.Object(
  {
    name: Type.String({
      pattern: ANALYTICS_NAME_PATTERN,
      description: 'The key: 1-64 of a-z 0-9 . _ -, starting with a letter or digit.',
    }),
    value: Type.Unknown({ description: `Any JSON, up to ${ANALYTICS_MAX_VALUE_BYTES} bytes.` }),
    as_of: Type.Optional(
      Type.String({
        pattern: ISO_TIME_PATTERN,
        description: 'When it was computed (ISO 8601). Absent: when the push was accepted.',
      }),
    ),
  },
  { additionalProperties: false, $id: 'Analytics' },
)

export const analytics = definePushedDataset({
  name: 'analytics',
  schemaVersion: 1,
  params: AnalyticsParams,
  parseParams: (raw) => {
    const name = typeof raw.name === 'string' ? raw.name.toLowerCase() : ''
    if (!new RegExp(ANALYTICS_NAME_PATTERN).test(name)) {
      throw new InvalidParamError(
        'name',
        'name must be 1-64 characters of a-z, 0-9, ".", "_" or "-", starting with a letter or digit',
      )
    }
    return { name }
  },
  segments: (params) => [params.name],
  value: AnalyticsValue,
  // ANALYTICS_MAX_TTL_S a day, ANALYTICS_DEFAULT_TTL_S 15 minutes.
  freshness: {
    freshMs: 86_400_000,
    staleMs: 0,
    errorMs: 0,
    negativeMs: 0,
    defaultFreshMs: 900_000,
  },
  push: {
    paramsOf: (value) => ({ name: value.name }),
    asOf: (value) => (value.as_of === undefined ? null : isoTime(value.as_of)),
    acceptsTtl: true,
    maxValueBytes: ANALYTICS_MAX_VALUE_BYTES,
  },
})
