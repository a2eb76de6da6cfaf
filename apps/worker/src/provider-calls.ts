import type { Keys } from '@marketcache/shared/keys'
import type { ProviderName } from '@marketcache/shared/providers'
import type { Cluster, Redis } from 'ioredis'
import type { Logger } from './logger'

/**
 * Counts every HTTP call made to a provider (including 429s and failures, which spend quota too)
 * in one hash, fields `<provider>.<endpoint template>`. Fire-and-forget: a slow or failing
 * counter must never delay or fail the call it counts.
 */
export class ProviderCallCounter {
  readonly #redis: Redis | Cluster
  readonly #key: string
  readonly #logger: Logger

  constructor(redis: Redis | Cluster, keys: Keys, logger: Logger) {
    this.#redis = redis
    this.#key = keys.providerCalls()
    this.#logger = logger
  }

  count(provider: ProviderName, endpoint: string): void {
    this.#redis.hincrby(this.#key, `${provider}.${endpoint}`, 1).catch((error: unknown) => {
      this.#logger.warn({ err: error, provider, endpoint }, 'provider call not counted')
    })
  }
}
