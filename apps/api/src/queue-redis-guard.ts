import {
  assertQueueRedis,
  evictionMessage,
  REQUIRED_POLICY,
  readQueueRedisSettings,
} from '@marketcache/shared/queue-redis'
import { configGetters, type RedisClient } from '@marketcache/shared/redis-client'
import { isConnectionError } from '@marketcache/shared/redis-outage'

/** Readiness re-reads the policy at most this often, so `/health/ready` stays one PING. */
export const POLICY_CHECK_INTERVAL_MS = 5000

interface GuardLogger {
  warn(details: object, message: string): void
  error(details: object, message: string): void
}

/**
 * Keeps the API off an evicting queue Redis: `assertAtStart` refuses to start on one, and
 * `problem` tells readiness when the policy changed later (read at most every few seconds).
 */
export class QueueRedisGuard {
  readonly #redis: RedisClient
  readonly #logger: GuardLogger
  readonly #intervalMs: number
  #checkedAt = Number.NEGATIVE_INFINITY
  #problem: string | null = null
  #pending: Promise<string | null> | undefined

  constructor(redis: RedisClient, logger: GuardLogger, intervalMs = POLICY_CHECK_INTERVAL_MS) {
    this.#redis = redis
    this.#logger = logger
    this.#intervalMs = intervalMs
  }

  /**
   * Throws QueueRedisEvictsError on an evicting queue Redis. A Redis not answering yet is not
   * checked here (the API starts and answers 503 until it is back); readiness checks it then.
   */
  async assertAtStart(): Promise<void> {
    if (this.#redis.status !== 'ready') return
    try {
      await assertQueueRedis(this.#configGet, this.#logger)
      this.#checkedAt = Date.now()
    } catch (error) {
      if (!isConnectionError(error)) throw error
    }
  }

  /** Why the queue Redis is unsafe now (its policy evicts), or null; cached for the interval. */
  async problem(now = Date.now()): Promise<string | null> {
    if (now - this.#checkedAt < this.#intervalMs) return this.#problem
    this.#pending ??= this.#check(now).finally(() => {
      this.#pending = undefined
    })
    return this.#pending
  }

  async #check(now: number): Promise<string | null> {
    try {
      const settings = await readQueueRedisSettings(this.#configGet)
      const problem =
        settings && settings.policy !== REQUIRED_POLICY ? evictionMessage(settings.policy) : null
      if (problem && !this.#problem) this.#logger.error({ redis: 'queue' }, problem)
      this.#problem = problem
      this.#checkedAt = now
    } catch {
      // Unreachable: PING already fails readiness; keep the last answer and ask again next time.
    }
    return this.#problem
  }

  /** Every master of a cluster: each has its own policy. */
  get #configGet() {
    return configGetters(this.#redis)
  }
}
