import { Priority, type QueueName } from '@marketcache/shared/jobs'
import { PROVIDER_RATE_DEFAULTS, type ProviderName } from '@marketcache/shared/providers'
import { type Static, Type } from '@sinclair/typebox'

/** The queues a read's miss can be enqueued on. */
/** The queues misses go to: not commands on the cache (`control`) nor pushes (`push`). */
export type MissQueue = Exclude<QueueName, 'control' | 'push'>

/** How many waiting miss jobs a queue may hold, and how fast it drains (jobs per second). */
export interface BacklogLimit {
  max: number
  perSecond: number
}

/** How long a backlog of the provider's rate takes to drain: the size of the default cap. */
const BACKLOG_WINDOW_MS = 120_000
/**
 * Derived jobs make no provider call; the cap only bounds the queue's memory.
 * An IBKR job makes many gateway calls (a chain: one per contract), so its default backlog is a
 * tenth of two minutes of its job rate.
 */
const DEFAULT_DERIVE_BACKLOG = 1000
const IBKR_CALLS_PER_JOB = 10

const twoMinutesOf = (rate: { max: number; durationMs: number }) =>
  Math.round((rate.max * BACKLOG_WINDOW_MS) / rate.durationMs)

const Count = (fallback: number) => Type.Integer({ minimum: 1, default: fallback })
const { coingecko, bybit, ibkr } = PROVIDER_RATE_DEFAULTS

/** The variables of the queues' rates and miss backlogs (read by `config.ts`, the only env reader). */
export const missBacklogEnv = {
  COINGECKO_RATE_MAX: Count(coingecko.max),
  COINGECKO_RATE_DURATION_MS: Count(coingecko.durationMs),
  BYBIT_RATE_MAX: Count(bybit.max),
  BYBIT_RATE_DURATION_MS: Count(bybit.durationMs),
  IBKR_RATE_MAX: Count(ibkr.max),
  IBKR_RATE_DURATION_MS: Count(ibkr.durationMs),
  // Unset: two minutes of the configured rate (see `queueLimitsFrom`), so a raised plan raises it.
  COINGECKO_MISS_BACKLOG_MAX: Type.Optional(Type.Integer({ minimum: 1 })),
  BYBIT_MISS_BACKLOG_MAX: Type.Optional(Type.Integer({ minimum: 1 })),
  IBKR_MISS_BACKLOG_MAX: Type.Optional(Type.Integer({ minimum: 1 })),
  DERIVE_MISS_BACKLOG_MAX: Count(DEFAULT_DERIVE_BACKLOG),
}
const MissBacklogEnv = Type.Object(missBacklogEnv)

/** A provider queue's limiter: at most `max` jobs per `durationMs`, shared by every worker. */
export interface ProviderRate {
  readonly max: number
  readonly durationMs: number
}

/** What the API knows of its queues' pace, from the variables above. */
export interface QueueLimits {
  /** Waiting read misses allowed per queue, and each queue's rate (Retry-After of OVERLOADED). */
  readonly missBacklog: Readonly<Record<MissQueue, BacklogLimit>>
  /** Each provider queue's limiter, as the worker runs it (quota use in the cache stats). */
  readonly providerRates: Readonly<Record<ProviderName, ProviderRate>>
}

export function queueLimitsFrom(vars: Static<typeof MissBacklogEnv>): QueueLimits {
  const rate = (max: number, durationMs: number) => Object.freeze({ max, durationMs })
  const providerRates = Object.freeze({
    coingecko: rate(vars.COINGECKO_RATE_MAX, vars.COINGECKO_RATE_DURATION_MS),
    bybit: rate(vars.BYBIT_RATE_MAX, vars.BYBIT_RATE_DURATION_MS),
    ibkr: rate(vars.IBKR_RATE_MAX, vars.IBKR_RATE_DURATION_MS),
  })
  const perSecond = ({ max, durationMs }: ProviderRate) => (max * 1000) / durationMs
  const twoMinutes = (rate: ProviderRate, callsPerJob = 1) =>
    Math.max(1, Math.round(twoMinutesOf(rate) / callsPerJob))
  const missBacklog = Object.freeze({
    coingecko: {
      max: vars.COINGECKO_MISS_BACKLOG_MAX ?? twoMinutes(providerRates.coingecko),
      perSecond: perSecond(providerRates.coingecko),
    },
    bybit: {
      max: vars.BYBIT_MISS_BACKLOG_MAX ?? twoMinutes(providerRates.bybit),
      perSecond: perSecond(providerRates.bybit),
    },
    ibkr: {
      max: vars.IBKR_MISS_BACKLOG_MAX ?? twoMinutes(providerRates.ibkr, IBKR_CALLS_PER_JOB),
      perSecond: perSecond(providerRates.ibkr) / IBKR_CALLS_PER_JOB,
    },
    // No provider quota: derived jobs run as fast as the worker's Redis round trips allow.
    derive: { max: vars.DERIVE_MISS_BACKLOG_MAX, perSecond: 100 },
  })
  return { missBacklog, providerRates }
}

/** A count of waiting miss jobs is trusted this long; admissions since are added to it. */
const COUNT_TTL_MS = 250

interface QueueCount {
  waiting: number
  at: number
  refreshing?: Promise<void>
}

/** An admitted fetch is not counted again for this long (its job absorbs repeated misses). */
const ADMITTED_TTL_MS = 5000

/**
 * Admission of read misses per queue: past `max` waiting miss jobs, a miss for a fetch that is
 * not queued yet is refused (the read serves a stale copy or answers 503 OVERLOADED) and nothing
 * is enqueued, so a flood of cold ids cannot build a backlog hours long. Misses for a fetch
 * already queued join its job and are always admitted. Counts come from BullMQ (prioritized jobs
 * at miss priority), refreshed at most every 250 ms per process; fetches admitted in between
 * count against the cap, so concurrent misses in one process cannot overshoot it.
 */
export class MissBacklog {
  readonly #counts = new Map<MissQueue, QueueCount>()
  /** Fetches (dedup ids) this process admitted lately, by when that stops meaning queued. */
  readonly #admitted = new Map<string, number>()

  constructor(
    private readonly limits: Readonly<Record<MissQueue, BacklogLimit>>,
    private readonly waitingMisses: (queue: MissQueue) => Promise<number>,
  ) {}

  /**
   * Admits one miss for the fetch `dedupId` on `queue`, or says how many seconds until the
   * backlog has drained. `isQueued` asks BullMQ whether that fetch already has a job; it is
   * called only when the backlog is full.
   */
  async admit(
    queue: MissQueue,
    dedupId: string,
    isQueued: () => Promise<boolean>,
  ): Promise<{ admitted: true } | { admitted: false; retryAfterS: number }> {
    const now = Date.now()
    if ((this.#admitted.get(dedupId) ?? 0) > now) return { admitted: true }
    const limit = this.limits[queue]
    const count = await this.#count(queue)
    if (count.waiting >= limit.max) {
      if (await isQueued()) return { admitted: true }
      return {
        admitted: false,
        retryAfterS: Math.max(1, Math.ceil(count.waiting / limit.perSecond)),
      }
    }
    count.waiting += 1
    if (this.#admitted.size > 10_000) this.#admitted.clear()
    this.#admitted.set(dedupId, now + ADMITTED_TTL_MS)
    return { admitted: true }
  }

  async #count(queue: MissQueue): Promise<QueueCount> {
    const known = this.#counts.get(queue)
    if (known && Date.now() - known.at < COUNT_TTL_MS) return known
    if (known?.refreshing) {
      await known.refreshing
      return known
    }
    const count: QueueCount = known ?? { waiting: 0, at: 0 }
    this.#counts.set(queue, count)
    count.refreshing = this.waitingMisses(queue).then((waiting) => {
      count.waiting = waiting
      count.at = Date.now()
    })
    try {
      await count.refreshing
    } finally {
      delete count.refreshing
    }
    return count
  }
}

/** BullMQ's count of a queue's waiting jobs at miss priority. */
export async function waitingAtMissPriority(queue: {
  getCountsPerPriority(priorities: number[]): Promise<Record<string, number>>
}): Promise<number> {
  const counts = await queue.getCountsPerPriority([Priority.miss])
  return counts[String(Priority.miss)] ?? 0
}
