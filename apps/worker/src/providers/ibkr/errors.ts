import {
  type ProviderError,
  ProviderNotFoundError,
  ProviderRateLimitError,
  ProviderRejectedError,
  ProviderUnavailableError,
} from '../../errors'
import { parseRetryAfterMs, transportError } from '../http'
import { IbkrEndpoint } from './endpoints'

const provider = 'ibkr' as const

/** The gateway's own words for a failure, if it sent JSON with an `error` string. */
export function gatewayMessage(body: string): string | null {
  try {
    const parsed = JSON.parse(body) as { error?: unknown } | null
    return typeof parsed?.error === 'string' ? parsed.error : null
  } catch {
    return null
  }
}

/** How the gateway words "no such symbol or contract", whatever status it answers with. */
export function saysNotFound(message: string): boolean {
  return /no symbols?\b|symbol not found|no contracts?\b|contract not found|invalid symbol/i.test(
    message,
  )
}

/** Where "not found" can only mean the symbol (or contract) asked about does not exist. */
const LOOKUPS: readonly string[] = [IbkrEndpoint.search, IbkrEndpoint.info]

export interface StatusContext {
  endpoint: string
  now: number
  /** Used when a 429 carries no usable Retry-After. */
  pacingPauseMs: number
}

/** Maps a non-2xx answer to the error class that tells the job runner what to do. */
export function errorForStatus(
  status: number,
  retryAfter: string | undefined,
  body: string,
  { endpoint, now, pacingPauseMs }: StatusContext,
): ProviderError {
  const said = gatewayMessage(body)
  const message = `ibkr ${endpoint} answered ${status}${said ? `: ${said.slice(0, 120)}` : ''}`
  const options = { provider, endpoint } as const
  if (status === 429) {
    // Pacing, or the 10-minute penalty box for repeat offenders: only a Retry-After says which.
    const retryAfterMs = parseRetryAfterMs(retryAfter, now)
    return new ProviderRateLimitError(
      message,
      retryAfterMs !== undefined && retryAfterMs > 0 ? retryAfterMs : pacingPauseMs,
      options,
    )
  }
  if (status === 401) {
    return new ProviderRejectedError(
      `${message} (the gateway session is not authenticated: log in to the Client Portal ` +
        'gateway; every IBKR job fails until someone does)',
      status,
      options,
    )
  }
  // Only the gateway's own words about a lookup mean the symbol does not exist; a bare 4xx (a
  // wrong base URL, say) must not turn every symbol into a negative entry.
  const lookup = LOOKUPS.includes(endpoint)
  if (lookup && status >= 400 && status < 500 && status !== 408 && said && saysNotFound(said)) {
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

/** Transport failures; the CP gateway's certificate is self-signed, so say how to accept it. */
export function errorForTransport(error: unknown, endpoint: string): ProviderUnavailableError {
  return transportError(provider, error, endpoint, tlsHint)
}

export function tlsHint(reason: string): string {
  return /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(reason)
    ? '; a gateway with a self-signed certificate needs IBKR_TLS_INSECURE=true'
    : ''
}
