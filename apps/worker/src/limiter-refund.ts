import type { RedisClient } from '@marketcache/shared/redis-client'
import type { Job, Queue } from 'bullmq'
import type { JobResult } from './contracts/processor'
import type { Logger } from './logger'

/**
 * How far a window's end may lie past `processedOn + duration` and still be the window that
 * counted the job: BullMQ sets the expiry on the Redis server a moment after the worker took
 * `processedOn`. A later window starts only once this one has ended, so the slack can only matter
 * to a job taken in the last few milliseconds of a window.
 */
const SKEW_MS = 25

/**
 * Gives one slot back to the window that counted the job, if it is still that window.

  KEYS[1] the queue's limiter key: BullMQ INCRs it as each job becomes active, and the first job
          of a window sets its PEXPIRE to the limiter's duration
  ARGV[1] now, on the worker's clock (the clock of the job's processedOn)
  ARGV[2] the job's processedOn
  ARGV[3] the limiter's duration
  ARGV[4] the limiter's max
 */
const REFUND_LUA = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
-- Nothing counted, or a pause for a provider's rate limit (rateLimit() sets a count past max).
if count < 1 or count > tonumber(ARGV[4]) then return 0 end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then return 0 end
-- A window that ends later than the job's would have started after the job was counted.
if tonumber(ARGV[1]) + ttl > tonumber(ARGV[2]) + tonumber(ARGV[3]) + ${SKEW_MS} then return 0 end
redis.call('DECR', KEYS[1])
return 1
`

type RefundRedis = RedisClient & {
  refundLimiterSlot(
    key: string,
    now: number,
    processedOn: number,
    duration: number,
    max: number,
  ): Promise<number>
}

/**
 * BullMQ's limiter counts a job as it starts, but what it guards is the provider's quota: a job
 * that is dropped (its entries were written by another job's call, often one batched call for
 * hundreds of misses) made no call, yet its slot would stay spent. After a burst of misses the
 * queue would then spend minutes of CoinGecko's 30 calls a minute on jobs that call nothing,
 * and every new miss would wait behind them. So a dropped job gives its slot back.
 *
 * A failed refund (Redis away) is logged at debug and leaves the slot spent, as before.
 *
 * The script relies on how BullMQ's moveToActive counts (an INCR per job on `keys.limiter`, the
 * window's PEXPIRE set by its first job), which is not a public API: limiter-refund.redis.test.ts
 * runs it against BullMQ's own limiter, so an upgrade that counts otherwise fails there.
 */
export class LimiterRefund {
  readonly #redis: RefundRedis
  readonly #key: string

  constructor(
    redis: RedisClient,
    /** A handle on the queue whose limiter counted the jobs (its `keys.limiter`). */
    queue: Pick<Queue, 'keys' | 'name'>,
    private readonly limiter: { readonly max: number; readonly duration: number },
    private readonly logger: Logger,
  ) {
    if (!('refundLimiterSlot' in redis)) {
      redis.defineCommand('refundLimiterSlot', { numberOfKeys: 1, lua: REFUND_LUA })
    }
    this.#redis = redis as RefundRedis
    const key = queue.keys.limiter
    if (key === undefined) throw new Error(`queue ${queue.name} has no limiter key`)
    this.#key = key
  }

  /** `run`, giving back the slot of each job it drops. */
  ifDropped<J extends Pick<Job, 'id' | 'processedOn'>>(
    run: (job: J) => Promise<JobResult>,
  ): (job: J) => Promise<JobResult> {
    return async (job) => {
      const result = await run(job)
      if (result.dropped) await this.refund(job)
      return result
    }
  }

  /** Gives back the slot `job` took from the limiter; true when it did. */
  async refund(job: Pick<Job, 'id' | 'processedOn'>): Promise<boolean> {
    if (job.processedOn === undefined) return false
    try {
      const { max, duration } = this.limiter
      const refunded = await this.#redis.refundLimiterSlot(
        this.#key,
        Date.now(),
        job.processedOn,
        duration,
        max,
      )
      return refunded === 1
    } catch (error) {
      this.logger.debug({ err: error, jobId: job.id }, 'limiter slot not refunded')
      return false
    }
  }
}
