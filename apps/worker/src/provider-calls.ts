import type { Keys } from '@marketcache/shared/keys'
import type { ProviderName } from '@marketcache/shared/providers'
import type { RedisClient } from '@marketcache/shared/redis-client'
import type { Logger } from './logger'
import type { ProviderQuota, WorkerMetrics } from './metrics/worker-metrics'

/** How a provider call ended: its HTTP status, or `error` when no answer came (refused, timeout). */
export interface CallEnd {
  status: number | 'error'
  /** What the provider said is left of its quota, when it says (Bybit's headers). */
  quota?: ProviderQuota | null
}

/**
 * Counts every HTTP call made to a provider (including 429s and failures, which spend quota too)
 * in one hash, fields `<provider>.<endpoint template>`, and in the worker's metrics with its
 * status and duration. Fire-and-forget: a slow or failing counter must never delay or fail the
 * call it counts.
 */
export class ProviderCallCounter {
  readonly #redis: RedisClient
  readonly #key: string
  readonly #health: string
  readonly #logger: Logger
  readonly #metrics: WorkerMetrics | undefined

  constructor(redis: RedisClient, keys: Keys, logger: Logger, metrics?: WorkerMetrics) {
    this.#redis = redis
    this.#key = keys.providerCalls()
    this.#health = keys.providerHealth()
    this.#logger = logger
    this.#metrics = metrics
  }

  /** Counts a call as it is sent; the function returned records how it ended. */
  count(provider: ProviderName, endpoint: string): (end: CallEnd) => void {
    this.#redis.hincrby(this.#key, `${provider}.${endpoint}`, 1).catch((error: unknown) => {
      this.#logger.warn({ err: error, provider, endpoint }, 'provider call not counted')
    })
    const started = performance.now()
    return ({ status, quota }) => {
      const seconds = (performance.now() - started) / 1000
      this.#metrics?.providerCall(provider, endpoint, String(status), seconds)
      if (quota) this.#metrics?.providerQuota(provider, quota)
      this.#recordAnswer(provider, status)
    }
  }

  /**
   * The provider's last success or failure, for `/health/detailed`. A 404 or 400 is the provider
   * answering; no answer, a 5xx, a rate limit or refused credentials are failures.
   */
  #recordAnswer(provider: ProviderName, status: CallEnd['status']): void {
    const ok = typeof status === 'number' && status < 500 && ![401, 403, 429].includes(status)
    const fields = ok
      ? [`${provider}.success`, Date.now()]
      : [`${provider}.failure`, Date.now(), `${provider}.failure_status`, String(status)]
    this.#redis.hset(this.#health, ...fields).catch((error: unknown) => {
      this.#logger.warn({ err: error, provider }, 'provider answer not recorded')
    })
  }
}
