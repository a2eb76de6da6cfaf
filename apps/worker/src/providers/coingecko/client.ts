import { ProviderBadResponseError } from '../../errors'
import { ProviderHttp, type ProviderHttpDeps } from '../http'
import type { CoinGeckoConfig } from './config'
import { errorForStatus } from './errors'

const KEY_HEADER = { demo: 'x-cg-demo-api-key', pro: 'x-cg-pro-api-key' } as const

export type CoinGeckoClientDeps = ProviderHttpDeps

/**
 * CoinGecko v3 over the shared provider HTTP: the key header for the plan, and CoinGecko's
 * statuses and bodies mapped to provider errors. Knows nothing about datasets.
 */
export class CoinGeckoClient {
  readonly #http: ProviderHttp
  readonly #now: () => number

  constructor(config: CoinGeckoConfig, deps: CoinGeckoClientDeps) {
    this.#now = deps.now ?? Date.now
    this.#http = new ProviderHttp(
      {
        provider: 'coingecko',
        baseUrl: config.baseUrl,
        timeoutMs: config.timeoutMs,
        concurrency: config.concurrency,
        headers: config.apiKey ? { [KEY_HEADER[config.plan]]: config.apiKey } : {},
      },
      deps,
    )
  }

  /**
   * GETs `path` (below the base URL) and returns the parsed JSON body of a 2xx answer.
   * @param endpoint - the documented template, e.g. `/coins/{id}`: names the call in counters,
   *   logs and errors.
   */
  async get(endpoint: string, path: string, query: Record<string, string> = {}): Promise<unknown> {
    const answer = await this.#http.get(endpoint, path, new URLSearchParams(query).toString())
    if (answer.status < 200 || answer.status >= 300) {
      const error = errorForStatus(
        answer.status,
        answer.header('retry-after'),
        answer.body,
        endpoint,
        this.#now(),
      )
      this.#http.holdIfRateLimited(error)
      throw error
    }
    try {
      return JSON.parse(answer.body) as unknown
    } catch (error) {
      throw new ProviderBadResponseError(`coingecko ${endpoint} sent a body that is not JSON`, {
        provider: 'coingecko',
        endpoint,
        cause: error,
      })
    }
  }

  close(): Promise<void> {
    return this.#http.close()
  }
}
