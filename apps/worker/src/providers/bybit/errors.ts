import {
  ProviderBadResponseError,
  type ProviderError,
  ProviderNotFoundError,
  ProviderRateLimitError,
  ProviderRejectedError,
  ProviderUnavailableError,
} from '../../errors'
import { transportError } from '../http'

const provider = 'bybit' as const

/** The V5 `retCode`s this adapter tells apart; any other non-zero code is a rejection. */
export const RetCode = {
  ok: 0,
  /** "Request timeout": Bybit's own backend timed out. */
  timeout: 10_000,
  /** "params error": an unknown symbol or base coin lands here. */
  paramsError: 10_001,
  /** "Too many visits!": the per-UID/endpoint window is spent (HTTP 200). */
  tooManyVisits: 10_006,
  /** "Internal server error". */
  serverError: 10_016,
  /** "Exceeded the IP rate limit". */
  ipRateLimit: 10_018,
  /** "System level frequency protection". */
  systemFrequency: 10_429,
} as const

/** Bybit's per-second windows reset quickly; without a reset header, wait one window out. */
export const DEFAULT_RETRY_AFTER_MS = 1_000
/** A reset already past (clock skew) still waits a moment, so the next call is not instant. */
const MIN_RETRY_AFTER_MS = 100
/** A reset further out than this is a clock or header problem, not a real window. */
const MAX_RETRY_AFTER_MS = 60_000

/**
 * `X-Bapi-Limit-Reset-Timestamp` (epoch ms; epoch seconds accepted too) as a wait from `now`,
 * kept within sane bounds; the default when the header is absent or unreadable.
 */
export function retryAfterFromReset(header: string | undefined, now: number): number {
  const value = Number(header?.trim())
  if (header === undefined || header.trim() === '' || !Number.isFinite(value) || value <= 0) {
    return DEFAULT_RETRY_AFTER_MS
  }
  const resetAt = value < 1e12 ? value * 1000 : value
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(MIN_RETRY_AFTER_MS, Math.ceil(resetAt - now)))
}

/** What a failed call answered: enough to pick the error class. */
export interface FailedAnswer {
  endpoint: string
  /** `X-Bapi-Limit-Reset-Timestamp`, if sent. */
  resetHeader: string | undefined
  now: number
}

/** Maps a non-zero `retCode` in a well-formed envelope to the class the job runner acts on. */
export function errorForRetCode(
  retCode: number,
  retMsg: string,
  answer: FailedAnswer,
): ProviderError {
  const { endpoint } = answer
  const message = `bybit ${endpoint} retCode ${retCode}: ${retMsg.slice(0, 120)}`
  const options = { provider, endpoint } as const
  switch (retCode) {
    case RetCode.tooManyVisits:
    case RetCode.ipRateLimit:
    case RetCode.systemFrequency:
      return new ProviderRateLimitError(
        message,
        retryAfterFromReset(answer.resetHeader, answer.now),
        options,
      )
    case RetCode.paramsError:
      return new ProviderNotFoundError(message, options)
    case RetCode.timeout:
    case RetCode.serverError:
      return new ProviderUnavailableError(message, options)
    default:
      return new ProviderRejectedError(message, 200, options)
  }
}

/**
 * Maps a non-2xx HTTP status. A 403 is Bybit's IP ban ("access too frequent", usually not JSON):
 * nothing may be sent for `banPauseMs`, so it is a rate limit of that length.
 */
export function errorForStatus(
  status: number,
  body: string,
  answer: FailedAnswer & { banPauseMs: number },
): ProviderError {
  const { endpoint } = answer
  // A ban page is HTML or text; its words, not its markup, belong in lastError.
  const text = body
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 120)
  const message = `bybit ${endpoint} answered ${status}${text ? `: ${text}` : ''}`
  const options = { provider, endpoint } as const
  if (status === 403) return new ProviderRateLimitError(message, answer.banPauseMs, options)
  if (status === 429) {
    return new ProviderRateLimitError(
      message,
      retryAfterFromReset(answer.resetHeader, answer.now),
      options,
    )
  }
  if (status === 408 || status >= 500) return new ProviderUnavailableError(message, options)
  return new ProviderRejectedError(message, status, options)
}

/** A 2xx that is not Bybit's envelope, or whose rows are unusable: never cached. */
export function badResponse(endpoint: string, problem: string, cause?: unknown) {
  return new ProviderBadResponseError(`bybit ${endpoint}: ${problem}`, {
    provider,
    endpoint,
    ...(cause === undefined ? {} : { cause }),
  })
}

/** An empty list for a well-formed coin or pair: Bybit's way of saying it lists nothing there. */
export function nothingListed(endpoint: string, what: string): ProviderNotFoundError {
  return new ProviderNotFoundError(`bybit ${endpoint}: no ${what}`, { provider, endpoint })
}

/** Timeouts, refused or reset connections, DNS failures: all transient. */
export function errorForTransport(error: unknown, endpoint: string): ProviderUnavailableError {
  return transportError(provider, error, endpoint)
}
