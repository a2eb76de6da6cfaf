/**
 * Failures of provider calls and jobs. Each class carries a static `code`; the job runner decides
 * from the class alone whether to back off, retry, write a negative entry or give up.
 */
import type { ProviderName } from '@marketcache/shared/providers'

interface ProviderErrorOptions extends ErrorOptions {
  provider: ProviderName
  /** Endpoint template, e.g. `/coins/{id}`. */
  endpoint: string
}

/** Base of every provider failure; says which provider and endpoint failed. */
export abstract class ProviderError extends Error {
  abstract readonly code: string
  readonly provider: ProviderName
  readonly endpoint: string

  constructor(message: string, options: ProviderErrorOptions) {
    super(message, { cause: options.cause })
    this.provider = options.provider
    this.endpoint = options.endpoint
  }
}

/** 429 or quota exhausted: nothing may be sent to this provider for `retryAfterMs`. */
export class ProviderRateLimitError extends ProviderError {
  static readonly code = 'PROVIDER_RATE_LIMITED'
  readonly code = ProviderRateLimitError.code
  override name = 'ProviderRateLimitError'

  constructor(
    message: string,
    readonly retryAfterMs: number,
    options: ProviderErrorOptions,
  ) {
    super(message, options)
  }
}

/** The provider says the requested id does not exist: cached as a negative entry. */
export class ProviderNotFoundError extends ProviderError {
  static readonly code = 'PROVIDER_NOT_FOUND'
  readonly code = ProviderNotFoundError.code
  override name = 'ProviderNotFoundError'
}

/** 5xx, timeout or connection failure: transient, retried with backoff. */
export class ProviderUnavailableError extends ProviderError {
  static readonly code = 'PROVIDER_UNAVAILABLE'
  readonly code = ProviderUnavailableError.code
  override name = 'ProviderUnavailableError'
  /** From a `Retry-After` on a 503; the backoff never waits less. */
  readonly retryAfterMs: number | undefined

  constructor(message: string, options: ProviderErrorOptions & { retryAfterMs?: number }) {
    super(message, options)
    this.retryAfterMs = options.retryAfterMs
  }
}

/**
 * A 200 whose body is not JSON or not the documented shape. Treated as transient (a truncated
 * body is often a blip); garbage is never cached.
 */
export class ProviderBadResponseError extends ProviderError {
  static readonly code = 'PROVIDER_BAD_RESPONSE'
  readonly code = ProviderBadResponseError.code
  override name = 'ProviderBadResponseError'
}

/**
 * Any other 4xx (bad key, wrong host for the key, bad parameter). Retrying the same request
 * cannot help, so the job fails at once and the entries it fills record the error.
 */
export class ProviderRejectedError extends ProviderError {
  static readonly code = 'PROVIDER_REJECTED'
  readonly code = ProviderRejectedError.code
  override name = 'ProviderRejectedError'

  constructor(
    message: string,
    readonly status: number,
    options: ProviderErrorOptions,
  ) {
    super(message, options)
  }
}
