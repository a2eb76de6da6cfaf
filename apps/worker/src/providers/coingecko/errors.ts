import {
  type ProviderError,
  ProviderNotFoundError,
  ProviderRateLimitError,
  ProviderRejectedError,
  ProviderUnavailableError,
} from '../../errors'
import { parseRetryAfterMs, transportError } from '../http'

const provider = 'coingecko' as const

/** CoinGecko rarely sends Retry-After; its quota window is a minute, so wait one out. */
export const DEFAULT_RETRY_AFTER_MS = 60_000

/**
 * The provider's own words for a failure, if it sent JSON: `{"error": "..."}` or
 * `{"status": {"error_message": "..."}}`. HTML pages (Cloudflare) and other text give null.
 */
export function providerMessage(body: string): string | null {
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    return null
  }
  if (typeof parsed !== 'object' || parsed === null) return null
  const record = parsed as { error?: unknown; status?: { error_message?: unknown } }
  if (typeof record.error === 'string') return record.error
  if (typeof record.status?.error_message === 'string') return record.status.error_message
  return null
}

/** Maps a non-2xx answer to the error class that tells the job runner what to do. */
export function errorForStatus(
  status: number,
  retryAfter: string | undefined,
  body: string,
  endpoint: string,
  now: number,
): ProviderError {
  const said = providerMessage(body)
  const message = `coingecko ${endpoint} answered ${status}${said ? `: ${said.slice(0, 120)}` : ''}`
  const options = { provider, endpoint } as const
  if (status === 429) {
    const retryAfterMs = parseRetryAfterMs(retryAfter, now) ?? DEFAULT_RETRY_AFTER_MS
    return new ProviderRateLimitError(message, retryAfterMs, options)
  }
  // Only CoinGecko's own "not found" body means the id does not exist; a bare 404 (say, a wrong
  // base URL, or a gateway without the route, whose framework says just "Not Found") must not
  // turn every coin into a negative entry.
  if (status === 404 && said !== null && /not found/i.test(said) && !/^not found$/i.test(said)) {
    return new ProviderNotFoundError(message, options)
  }
  if (status === 408 || status >= 500) {
    const retryAfterMs = parseRetryAfterMs(retryAfter, now)
    return new ProviderUnavailableError(message, {
      ...options,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    })
  }
  return new ProviderRejectedError(message, status, options)
}

/** Timeouts, refused or reset connections, DNS failures: all transient. */
export function errorForTransport(error: unknown, endpoint: string): ProviderUnavailableError {
  return transportError(provider, error, endpoint)
}
