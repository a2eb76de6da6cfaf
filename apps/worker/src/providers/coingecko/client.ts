import { Pool } from 'undici'
import type { CoinGeckoConfig } from '../../config'
import { ProviderBadResponseError, ProviderRateLimitError } from '../../errors'
import type { Logger } from '../../logger'
import type { ProviderCallCounter } from '../../provider-calls'
import { errorForStatus, errorForTransport } from './errors'

const KEY_HEADER = { demo: 'x-cg-demo-api-key', pro: 'x-cg-pro-api-key' } as const

export interface CoinGeckoClientDeps {
  counter: ProviderCallCounter
  logger: Logger
  now?: () => number
}

/**
 * HTTP to CoinGecko v3: one keep-alive pool per worker, a deadline per request, the key header
 * for the plan, and every failure mapped to a provider error. Knows nothing about datasets.
 */
export class CoinGeckoClient {
  readonly #pool: Pool
  readonly #basePath: string
  readonly #headers: Record<string, string>
  readonly #timeoutMs: number
  readonly #deps: CoinGeckoClientDeps
  readonly #now: () => number
  /**
   * After a 429, nothing more leaves this process until the provider's Retry-After has passed.
   * BullMQ's limiter stops new jobs; this also holds back jobs that were already running.
   */
  #quietUntil = 0

  constructor(config: CoinGeckoConfig, deps: CoinGeckoClientDeps) {
    const url = new URL(config.baseUrl)
    this.#basePath = url.pathname.replace(/\/+$/, '')
    this.#timeoutMs = config.timeoutMs
    this.#deps = deps
    this.#now = deps.now ?? Date.now
    this.#headers = {
      accept: 'application/json',
      'user-agent': 'marketcache-worker',
      ...(config.apiKey ? { [KEY_HEADER[config.plan]]: config.apiKey } : {}),
    }
    this.#pool = new Pool(url.origin, {
      connections: Math.max(1, config.concurrency),
      keepAliveTimeout: 30_000,
      headersTimeout: config.timeoutMs,
      bodyTimeout: config.timeoutMs,
    })
  }

  /**
   * GETs `path` (below the base URL) and returns the parsed JSON body of a 2xx answer.
   * @param endpoint - the documented template, e.g. `/coins/{id}`: names the call in counters,
   *   logs and errors.
   */
  async get(endpoint: string, path: string, query: Record<string, string> = {}): Promise<unknown> {
    const quietMs = this.#quietUntil - this.#now()
    if (quietMs > 0) {
      throw new ProviderRateLimitError(
        `coingecko is rate limited for ${quietMs} ms more`,
        quietMs,
        {
          provider: 'coingecko',
          endpoint,
        },
      )
    }
    const search = new URLSearchParams(query).toString()
    const requestPath = `${this.#basePath}${path}${search ? `?${search}` : ''}`
    const started = this.#now()
    this.#deps.counter.count('coingecko', endpoint)
    this.#deps.logger.debug(
      { provider: 'coingecko', endpoint, path: requestPath, headers: this.#headers },
      'provider call',
    )

    let status: number
    let retryAfter: string | undefined
    let body: string
    try {
      const response = await this.#pool.request({
        method: 'GET',
        path: requestPath,
        headers: this.#headers,
        signal: AbortSignal.timeout(this.#timeoutMs),
      })
      status = response.statusCode
      const header = response.headers['retry-after']
      retryAfter = Array.isArray(header) ? header[0] : header
      body = await response.body.text()
    } catch (error) {
      throw errorForTransport(error, endpoint)
    }
    this.#deps.logger.debug(
      { provider: 'coingecko', endpoint, status, ms: this.#now() - started },
      'provider answered',
    )

    if (status < 200 || status >= 300) {
      const error = errorForStatus(status, retryAfter, body, endpoint, this.#now())
      if (error instanceof ProviderRateLimitError) {
        this.#quietUntil = Math.max(this.#quietUntil, this.#now() + error.retryAfterMs)
      }
      throw error
    }
    try {
      return JSON.parse(body) as unknown
    } catch (error) {
      throw new ProviderBadResponseError(`coingecko ${endpoint} sent a body that is not JSON`, {
        provider: 'coingecko',
        endpoint,
        cause: error,
      })
    }
  }

  async close(): Promise<void> {
    await this.#pool.close()
  }
}
