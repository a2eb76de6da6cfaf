import type { ProviderName } from '@marketcache/shared/providers'
import { Pool } from 'undici'
import { ProviderRateLimitError, ProviderUnavailableError } from '../errors'
import type { Logger } from '../logger'
import type { ProviderQuota } from '../metrics/worker-metrics'
import type { ProviderCallCounter } from '../provider-calls'

export interface ProviderHttpOptions {
  provider: ProviderName
  /** Origin and base path, e.g. `https://api.coingecko.com/api/v3`. */
  baseUrl: string
  /** The whole request, connect to last body byte. */
  timeoutMs: number
  /** Keep-alive connections in the pool. */
  concurrency: number
  /** Sent with every call (keys go here; the logger redacts them). */
  headers?: Record<string, string>
  /** Accept a self-signed certificate (an IBKR gateway on localhost). */
  tlsInsecure?: boolean
  /** Waits for this call's turn before it is sent, for providers that pace calls, not jobs. */
  pacer?: { turn(): Promise<void> }
  /** Extra words for a transport failure, e.g. how to accept a self-signed certificate. */
  transportHint?(reason: string): string
  /** The quota an answer reports, for providers that report one (Bybit's headers). */
  quota?(answer: HttpAnswer): ProviderQuota | null
}

export interface ProviderHttpDeps {
  counter: ProviderCallCounter
  logger: Logger
  now?: () => number
}

/** What came back, before the provider's own rules say what it means. */
export interface HttpAnswer {
  status: number
  body: string
  header(name: string): string | undefined
}

/** `Retry-After` as delay-seconds or an HTTP date, in ms from `now`; undefined when unusable. */
export function parseRetryAfterMs(header: string | undefined, now: number): number | undefined {
  if (header === undefined) return undefined
  const value = header.trim()
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000)
  const date = Date.parse(value)
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined
}

/** A transport failure (refused, reset, timed out, TLS): always transient. */
export function transportError(
  provider: ProviderName,
  error: unknown,
  endpoint: string,
  hint: (reason: string) => string = () => '',
): ProviderUnavailableError {
  const reason =
    error instanceof Error
      ? `${(error as NodeJS.ErrnoException).code ?? error.name}: ${error.message}`
      : String(error)
  return new ProviderUnavailableError(
    `${provider} ${endpoint} unreachable (${reason})${hint(reason)}`,
    {
      provider,
      endpoint,
      cause: error,
    },
  )
}

/**
 * The one way the worker calls a provider over HTTP: a keep-alive pool, a deadline per request,
 * every call counted and logged, transport failures mapped to a transient error, and, after a
 * rate limit, nothing more sent from this process until it has passed. Each provider's client
 * decides what a status and a body mean.
 */
export class ProviderHttp {
  readonly #options: ProviderHttpOptions
  readonly #deps: ProviderHttpDeps
  readonly #pool: Pool
  readonly #basePath: string
  readonly #now: () => number
  /**
   * BullMQ's limiter stops new jobs after a rate limit; this also holds back calls of jobs that
   * were already running (pages, batches, retries of pre-flight snapshots).
   */
  #quietUntil = 0

  constructor(options: ProviderHttpOptions, deps: ProviderHttpDeps) {
    const url = new URL(options.baseUrl)
    this.#options = options
    this.#deps = deps
    this.#now = deps.now ?? Date.now
    this.#basePath = url.pathname.replace(/\/+$/, '')
    this.#pool = new Pool(url.origin, {
      connections: Math.max(1, options.concurrency),
      keepAliveTimeout: 30_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      ...(options.tlsInsecure ? { connect: { rejectUnauthorized: false } } : {}),
    })
  }

  /**
   * GETs `path` below the base URL with an already encoded query string.
   * @param endpoint - the documented template (`/coins/{id}`): names the call in counters, logs
   *   and errors.
   */
  async get(endpoint: string, path: string, search = ''): Promise<HttpAnswer> {
    const { provider } = this.#options
    this.#throwIfQuiet(endpoint)
    if (this.#options.pacer) {
      await this.#options.pacer.turn()
      // A rate limit may have arrived while this call waited for its turn.
      this.#throwIfQuiet(endpoint)
    }
    const requestPath = `${this.#basePath}${path}${search ? `?${search}` : ''}`
    const headers = {
      accept: 'application/json',
      'user-agent': 'marketcache-worker',
      ...this.#options.headers,
    }
    const started = this.#now()
    const ended = this.#deps.counter.count(provider, endpoint)
    this.#deps.logger.debug({ provider, endpoint, path: requestPath, headers }, 'provider call')
    try {
      const response = await this.#pool.request({
        method: 'GET',
        path: requestPath,
        headers,
        signal: AbortSignal.timeout(this.#options.timeoutMs),
      })
      const body = await response.body.text()
      this.#deps.logger.debug(
        { provider, endpoint, status: response.statusCode, ms: this.#now() - started },
        'provider answered',
      )
      const answer: HttpAnswer = {
        status: response.statusCode,
        body,
        header: (name) => {
          const value = response.headers[name.toLowerCase()]
          return Array.isArray(value) ? value[0] : value
        },
      }
      ended({ status: answer.status, quota: this.#options.quota?.(answer) ?? null })
      return answer
    } catch (error) {
      ended({ status: 'error' })
      throw transportError(provider, error, endpoint, this.#options.transportHint)
    }
  }

  /** Call with any error a client is about to throw: a rate limit quiets this process. */
  holdIfRateLimited(error: unknown): void {
    if (error instanceof ProviderRateLimitError) {
      this.#quietUntil = Math.max(this.#quietUntil, this.#now() + error.retryAfterMs)
    }
  }

  async close(): Promise<void> {
    await this.#pool.close()
  }

  #throwIfQuiet(endpoint: string): void {
    const quietMs = this.#quietUntil - this.#now()
    if (quietMs > 0) {
      const { provider } = this.#options
      throw new ProviderRateLimitError(
        `${provider} is rate limited for ${quietMs} ms more`,
        quietMs,
        {
          provider,
          endpoint,
        },
      )
    }
  }
}
