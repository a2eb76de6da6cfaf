import type { ProviderQuota } from '../../metrics/worker-metrics'
import { type HttpAnswer, ProviderHttp, type ProviderHttpDeps } from '../http'
import type { BybitConfig } from './config'
import { badResponse, errorForRetCode, errorForStatus, type FailedAnswer, RetCode } from './errors'

/** The V5 market endpoints used; each names its calls in counters, logs and errors. */
export const BybitEndpoint = {
  instruments: '/v5/market/instruments-info',
  tickers: '/v5/market/tickers',
  kline: '/v5/market/kline',
  optionBaseCoins: '/v5/market/option-base-coins',
} as const
export type BybitEndpoint = (typeof BybitEndpoint)[keyof typeof BybitEndpoint]

const RESET_HEADER = 'x-bapi-limit-reset-timestamp'
/** Per endpoint and IP: the limit of the current window, and what is left of it. */
const LIMIT_HEADER = 'x-bapi-limit'
const LIMIT_STATUS_HEADER = 'x-bapi-limit-status'

export type BybitClientDeps = ProviderHttpDeps

/** A successful V5 answer: the envelope's `result`, and Bybit's clock when it sent it. */
export interface BybitAnswer {
  result: Record<string, unknown>
  /** The envelope's `time` (epoch ms); null when absent. */
  time: number | null
}

/**
 * Bybit V5's public market endpoints over the shared provider HTTP: the
 * `{retCode, retMsg, result, time}` envelope unwrapped, and every failure (HTTP or retCode)
 * mapped to a provider error. Knows nothing about datasets.
 */
export class BybitClient {
  readonly #http: ProviderHttp
  readonly #banPauseMs: number
  readonly #now: () => number

  constructor(config: BybitConfig, deps: BybitClientDeps) {
    this.#banPauseMs = config.banPauseMs
    this.#now = deps.now ?? Date.now
    this.#http = new ProviderHttp(
      {
        provider: 'bybit',
        baseUrl: config.baseUrl,
        timeoutMs: config.timeoutMs,
        concurrency: config.concurrency,
        quota: reportedQuota,
      },
      deps,
    )
  }

  /** GETs a market endpoint and returns the envelope's `result` when `retCode` is 0. */
  async get(endpoint: BybitEndpoint, query: Record<string, string>): Promise<BybitAnswer> {
    const answer = await this.#http.get(endpoint, endpoint, new URLSearchParams(query).toString())
    const failed: FailedAnswer = {
      endpoint,
      resetHeader: answer.header(RESET_HEADER),
      now: this.#now(),
    }
    try {
      if (answer.status < 200 || answer.status >= 300) {
        throw errorForStatus(answer.status, answer.body, {
          ...failed,
          banPauseMs: this.#banPauseMs,
        })
      }
      return unwrap(answer.body, failed)
    } catch (error) {
      this.#http.holdIfRateLimited(error)
      throw error
    }
  }

  close(): Promise<void> {
    return this.#http.close()
  }
}

/** `X-Bapi-Limit` and `X-Bapi-Limit-Status`, when Bybit sends both. */
function reportedQuota(answer: HttpAnswer): ProviderQuota | null {
  const [limit, remaining] = [LIMIT_HEADER, LIMIT_STATUS_HEADER].map((name) => {
    const value = answer.header(name)?.trim()
    return value && /^\d+$/.test(value) ? Number(value) : null
  })
  return limit == null || remaining == null ? null : { limit, remaining }
}

/** The envelope of a 2xx answer: `result` for retCode 0, else the error its retCode means. */
function unwrap(body: string, failed: FailedAnswer): BybitAnswer {
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch (error) {
    throw badResponse(failed.endpoint, 'body is not JSON', error)
  }
  const envelope = isRecord(parsed) ? parsed : {}
  const retCode = envelope.retCode
  if (typeof retCode !== 'number') throw badResponse(failed.endpoint, 'no retCode in the body')
  if (retCode !== RetCode.ok) {
    throw errorForRetCode(retCode, String(envelope.retMsg ?? ''), failed)
  }
  if (!isRecord(envelope.result)) throw badResponse(failed.endpoint, 'result is not an object')
  const time = Number(envelope.time)
  return {
    result: envelope.result,
    time: Number.isFinite(time) && time > 0 ? time : null,
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
