/**
 * Every error code a client can receive, with its HTTP status and a one-line meaning.
 * The API's error handler and `docs/errors.md` are both checked against this table.
 */
export const ErrorCodes = {
  INVALID_PARAMS: { status: 400, description: 'A path or query parameter is malformed.' },
  UNKNOWN_PARAMETER: {
    status: 400,
    description: 'A query parameter this route does not take (misspelt, or from another API).',
  },
  INVALID_BODY: {
    status: 400,
    description: 'The request body is not valid JSON or not one of the accepted shapes.',
  },
  TOO_MANY_IDS: { status: 400, description: 'More ids were requested than one call accepts.' },
  UNAUTHORIZED: { status: 401, description: 'No API key, or an unknown one, was presented.' },
  FORBIDDEN: { status: 403, description: 'The API key lacks the scope this route needs.' },
  NOT_FOUND: {
    status: 404,
    description:
      'The provider says this instrument or coin does not exist (cached negative entry), or a ' +
      'pushed value (signal, analytics) is not cached: never pushed, or expired.',
  },
  JOB_NOT_FOUND: {
    status: 404,
    description: 'No job with this id exists (it may have been removed after completion).',
  },
  ROUTE_NOT_FOUND: { status: 404, description: 'No route matches this method and path.' },
  METHOD_NOT_ALLOWED: { status: 405, description: 'The route exists but not for this method.' },
  MALFORMED_REQUEST: {
    status: 400,
    description: 'The request is not valid HTTP/1.1 (a broken request line or header).',
  },
  REQUEST_TIMEOUT: { status: 408, description: 'The request headers did not arrive in time.' },
  PAYLOAD_TOO_LARGE: { status: 413, description: 'The request body exceeds the size limit.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, description: 'The request body is not application/json.' },
  HEADERS_TOO_LARGE: {
    status: 431,
    description: "The request's headers exceed the server's limit (16 KiB by default).",
  },
  RATE_LIMITED: {
    status: 429,
    description:
      'This client (API key, else IP) spent its budget for the window: of all requests, or of ' +
      'those that fetch from a provider (misses, fresh=true); retry after the Retry-After delay.',
  },
  INTERNAL: { status: 500, description: 'An unexpected error; the message carries no internals.' },
  FILL_PENDING: {
    status: 503,
    description:
      'The entry is being fetched and was not ready within the wait; retry after Retry-After, or poll the job.',
  },
  OVERLOADED: {
    status: 503,
    description:
      "The provider's queue holds as many waiting fetches as it may and nothing servable is cached, or this API process serves as many streams as it may; retry after Retry-After.",
  },
  BACKEND_UNAVAILABLE: {
    status: 503,
    description: 'Redis (cache or queue) is unreachable; retry after Retry-After.',
  },
} as const satisfies Record<string, { status: number; description: string }>

export type ErrorCode = keyof typeof ErrorCodes

/** Thrown for input that can never become a valid key or job; maps to a 400. */
export class InvalidParamError extends Error {
  static readonly code = 'INVALID_PARAMS' satisfies ErrorCode
  readonly code = InvalidParamError.code
  constructor(
    /** The parameter that failed, e.g. `id`. */
    readonly param: string,
    message: string,
  ) {
    super(message)
    this.name = 'InvalidParamError'
  }
}
