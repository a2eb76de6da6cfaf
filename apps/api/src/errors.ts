import { STATUS_CODES } from 'node:http'
import { type ErrorCode, ErrorCodes } from '@marketcache/shared/errors'
import { type TSchema, Type } from '@sinclair/typebox'

/**
 * The API's one error registry. Every error a client sees is an ApiError with a code from the
 * shared `ErrorCodes` table, rendered as `{statusCode, code, error, message}`.
 */
export class ApiError extends Error {
  override name = 'ApiError'
  readonly statusCode: number

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: {
      /** Extra response headers, e.g. Retry-After or Location. */
      headers?: Readonly<Record<string, string>>
      /** The job a FILL_PENDING client can poll. */
      jobId?: string
      cause?: unknown
    } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause })
    this.statusCode = ErrorCodes[code].status
  }
}

/** Seconds a client should wait before retrying. */
export const RetryAfterSeconds = {
  /** Redis usually comes back (or fails over) within a couple of seconds. */
  backendUnavailable: 2,
  /** One provider round trip; polling the job is the alternative. */
  fillPending: 1,
} as const

export interface ErrorBody {
  statusCode: number
  code: ErrorCode
  error: string
  message: string
  jobId?: string
}

export function errorBody(error: ApiError): ErrorBody {
  const body: ErrorBody = {
    statusCode: error.statusCode,
    code: error.code,
    error: STATUS_CODES[error.statusCode] ?? 'Error',
    message: error.message,
  }
  if (error.extra.jobId !== undefined) body.jobId = error.extra.jobId
  return body
}

export type BackendName = 'cache' | 'queue'

export function backendUnavailable(backend: BackendName, cause?: unknown): ApiError {
  return new ApiError('BACKEND_UNAVAILABLE', `the ${backend} Redis is unreachable`, {
    headers: { 'retry-after': String(RetryAfterSeconds.backendUnavailable) },
    cause,
  })
}

/** Server replies that mean "not now" rather than "your command is wrong". */
const TRANSIENT_REPLY = /^(LOADING|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|READONLY)\b/

/**
 * Maps a failure of a Redis or BullMQ call to what the client should see: connection failures,
 * timeouts and transient replies become BACKEND_UNAVAILABLE; any other server reply is a bug on
 * our side and stays as it is (→ INTERNAL).
 */
export function backendFailure(backend: BackendName, error: unknown): Error {
  if (error instanceof ApiError) return error
  if (
    error instanceof Error &&
    error.name === 'ReplyError' &&
    !TRANSIENT_REPLY.test(error.message)
  ) {
    return error
  }
  return backendUnavailable(backend, error)
}

/** Runs one Redis/BullMQ call, translating its failures with `backendFailure`. */
export async function onBackend<T>(backend: BackendName, call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    throw backendFailure(backend, error)
  }
}

export const errorCodeNames = Object.keys(ErrorCodes) as ErrorCode[]

/** The one error shape, referenced from every route's OpenAPI responses. */
export const ErrorResponse = Type.Object(
  {
    statusCode: Type.Integer({ description: 'The HTTP status, repeated.' }),
    code: Type.Unsafe<ErrorCode>({
      type: 'string',
      enum: errorCodeNames,
      description: 'A stable code from docs/errors.md.',
    }),
    error: Type.String({ description: 'The HTTP reason phrase.' }),
    message: Type.String({ description: 'What went wrong, for humans; never carries internals.' }),
    jobId: Type.Optional(
      Type.String({
        description: 'FILL_PENDING only: the job filling the entry (GET /v1/jobs/{id}).',
      }),
    ),
  },
  { $id: 'ErrorResponse', description: 'The error shape every route uses.' },
)

const RetryAfterHeader = {
  type: 'integer',
  description: 'Seconds to wait before retrying.',
} as const

/** What a 429 sends besides Retry-After: the budget that refused the request. */
const RateLimitHeaders = {
  'RateLimit-Limit': { type: 'integer', description: 'Requests the budget allows per window.' },
  'RateLimit-Remaining': { type: 'integer', description: 'Requests left in the window: 0.' },
  'RateLimit-Reset': { type: 'integer', description: 'Seconds until the window ends.' },
} as const

const LocationHeader = {
  type: 'string',
  description: 'FILL_PENDING only: the job filling the entry, /v1/jobs/{jobId}.',
} as const

const WwwAuthenticateHeader = {
  type: 'string',
  description: 'Bearer realm="marketcache": how to authenticate.',
} as const

/**
 * OpenAPI response entries for the error codes a route can return, grouped by status. The
 * description lists the codes, so the spec names each one a client must handle.
 */
export function errorResponses(codes: readonly ErrorCode[]): Record<number, TSchema> {
  const byStatus = new Map<number, ErrorCode[]>()
  for (const code of [...codes, 'INTERNAL' as const]) {
    const status = ErrorCodes[code].status
    const list = byStatus.get(status) ?? []
    if (!list.includes(code)) list.push(code)
    byStatus.set(status, list)
  }
  const responses: Record<number, TSchema> = {}
  for (const [status, list] of byStatus) {
    const retryable = list.some(
      (code) =>
        code === 'BACKEND_UNAVAILABLE' || code === 'FILL_PENDING' || code === 'RATE_LIMITED',
    )
    const headers = {
      ...(retryable ? { 'Retry-After': RetryAfterHeader } : {}),
      ...(list.includes('RATE_LIMITED') ? RateLimitHeaders : {}),
      ...(list.includes('UNAUTHORIZED') ? { 'WWW-Authenticate': WwwAuthenticateHeader } : {}),
      ...(list.includes('FILL_PENDING') ? { Location: LocationHeader } : {}),
    }
    responses[status] = Type.Ref(ErrorResponse.$id!, {
      description: list.map((code) => `${code}: ${ErrorCodes[code].description}`).join(' '),
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
    })
  }
  return responses
}
