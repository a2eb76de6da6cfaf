import { ProviderUnavailableError } from '../../errors'
import type { FleetPacing } from '../fleet-pacing'
import { ProviderHttp, type ProviderHttpDeps } from '../http'
import type { IbkrConfig } from './config'
import { errorForStatus, tlsHint } from './errors'
import { CallPacer } from './pacer'

export interface IbkrClientDeps extends ProviderHttpDeps {
  /** The gateway's pacing shared with every worker replica; without it, per process only. */
  fleet?: FleetPacing
}

/**
 * A Client Portal gateway over the shared provider HTTP: calls paced to the gateway's limit (one
 * job makes many calls, so the queue's job limiter alone would overrun it), the gateway's
 * self-signed certificate accepted on request, and its statuses mapped to provider errors.
 * Knows nothing about datasets.
 */
export class IbkrClient {
  readonly #http: ProviderHttp
  readonly #pacingPauseMs: number
  readonly #now: () => number

  constructor(config: IbkrConfig, deps: IbkrClientDeps) {
    this.#pacingPauseMs = config.pacingPauseMs
    this.#now = deps.now ?? Date.now
    this.#http = new ProviderHttp(
      {
        provider: 'ibkr',
        baseUrl: config.baseUrl,
        timeoutMs: config.timeoutMs,
        concurrency: config.concurrency,
        tlsInsecure: config.tlsInsecure,
        // Wall-clock spacing whatever clock the caller injects: a pinned clock must not stall calls.
        pacer: new CallPacer(config.limiter, deps.fleet ? { fleet: deps.fleet } : {}),
        transportHint: tlsHint,
      },
      deps,
    )
  }

  /**
   * GETs `endpoint` (below the base URL) and returns the parsed JSON body of a 2xx answer.
   * @param endpoint - the documented path, e.g. `/iserver/secdef/search`: names the call in
   *   counters, logs and errors.
   * @param query - sent in this order; commas stay literal (`conids=1,2`), as the docs show them.
   */
  async get(endpoint: string, query: Record<string, string> = {}): Promise<unknown> {
    const search = Object.entries(query)
      .map(([name, value]) => `${name}=${encodeURIComponent(value).replaceAll('%2C', ',')}`)
      .join('&')
    const answer = await this.#http.get(endpoint, endpoint, search)
    if (answer.status < 200 || answer.status >= 300) {
      const error = errorForStatus(answer.status, answer.header('retry-after'), answer.body, {
        endpoint,
        now: this.#now(),
        pacingPauseMs: this.#pacingPauseMs,
      })
      this.#http.holdIfRateLimited(error)
      throw error
    }
    try {
      return JSON.parse(answer.body) as unknown
    } catch (error) {
      // The gateway answers with HTML when it is starting up or sits behind a login page.
      throw new ProviderUnavailableError(`ibkr ${endpoint} sent a body that is not JSON`, {
        provider: 'ibkr',
        endpoint,
        cause: error,
      })
    }
  }

  close(): Promise<void> {
    return this.#http.close()
  }
}
