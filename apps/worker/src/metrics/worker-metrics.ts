import type { ProviderName } from '@marketcache/shared/providers'
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'

/** A provider's own count of its quota, as it reports it with an answer (Bybit's headers). */
export interface ProviderQuota {
  limit: number
  remaining: number
}

/** How a job run ended: `retried` is a failed attempt that BullMQ runs again. */
export type JobResultLabel = 'completed' | 'dropped' | 'failed' | 'retried'

/** What a scrape reads from the queue Redis: counts and one job per queue, nothing scanned. */
export interface QueueSnapshot {
  queues: readonly {
    queue: string
    /** Jobs per BullMQ state (waiting, prioritized, active, delayed, …). */
    counts: Readonly<Record<string, number>>
    /** Creation time of the job that runs next; null when nothing waits. */
    nextCreatedAt: number | null
  }[]
  /** Each provider queue's BullMQ limiter window: jobs started in it, out of `max`. */
  limiters: readonly { provider: ProviderName; used: number; max: number }[]
}

/** Provider round trips: local simulator calls take a millisecond, a slow provider seconds. */
const CALL_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
/** A scrape reuses a snapshot this young: every queue gauge asks for it in the same scrape. */
const SNAPSHOT_REUSE_MS = 1000

/**
 * The worker's Prometheus metrics, in a registry of its own (no prom-client global). Labels are
 * bounded: providers, endpoint templates, HTTP statuses, queues, job names, datasets and states;
 * never ids, symbols or keys. Queue and quota gauges are read at scrape time from `watchQueues`.
 */
export class WorkerMetrics {
  readonly registry = new Registry()
  readonly #headerQuotas = new Map<ProviderName, ProviderQuota>()
  #snapshot: (() => Promise<QueueSnapshot | null>) | undefined
  #last: { at: number; snapshot: Promise<QueueSnapshot | null> } | undefined

  readonly #calls = new Counter({
    name: 'marketcache_provider_calls_total',
    help: 'HTTP calls to providers by endpoint template and status (error: no answer).',
    labelNames: ['provider', 'endpoint', 'status'] as const,
    registers: [this.registry],
  })
  readonly #callDuration = new Histogram({
    name: 'marketcache_provider_request_duration_seconds',
    help: 'Provider calls from send to the last body byte, by endpoint template.',
    labelNames: ['provider', 'endpoint'] as const,
    buckets: CALL_BUCKETS_S,
    registers: [this.registry],
  })
  readonly #pauses = new Counter({
    name: 'marketcache_rate_limit_pauses_total',
    help: 'Times a rate limit (429, quota answer) paused a provider queue for its Retry-After.',
    labelNames: ['provider'] as const,
    registers: [this.registry],
  })
  readonly #jobs = new Counter({
    name: 'marketcache_jobs_total',
    help: 'Job runs by queue, job name and result (completed, dropped, failed, retried).',
    labelNames: ['queue', 'name', 'result'] as const,
    registers: [this.registry],
  })
  readonly #written = new Counter({
    name: 'marketcache_entries_written_total',
    help: 'Cache entries written (that won the asOf check), by dataset.',
    labelNames: ['dataset'] as const,
    registers: [this.registry],
  })

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'marketcache_' })
    const metrics = this
    new Gauge({
      name: 'marketcache_queue_jobs',
      help: 'Jobs per queue and BullMQ state, read at scrape time.',
      labelNames: ['queue', 'state'] as const,
      registers: [this.registry],
      async collect() {
        this.reset()
        for (const { queue, counts } of (await metrics.#scrape())?.queues ?? []) {
          for (const [state, count] of Object.entries(counts)) this.set({ queue, state }, count)
        }
      },
    })
    new Gauge({
      name: 'marketcache_queue_oldest_waiting_seconds',
      help: 'How long the job that runs next has waited since it was created; 0 when none waits.',
      labelNames: ['queue'] as const,
      registers: [this.registry],
      async collect() {
        this.reset()
        const now = Date.now()
        for (const { queue, nextCreatedAt } of (await metrics.#scrape())?.queues ?? []) {
          this.set({ queue }, nextCreatedAt === null ? 0 : Math.max(0, now - nextCreatedAt) / 1000)
        }
      },
    })
    this.#quotaGauge('used', 'marketcache_provider_quota_used', (quota) => quota.used)
    this.#quotaGauge(
      'remaining',
      'marketcache_provider_quota_remaining',
      (quota) => quota.remaining,
    )
  }

  /** One answered (or failed) provider call. */
  providerCall(provider: ProviderName, endpoint: string, status: string, seconds: number): void {
    this.#calls.inc({ provider, endpoint, status })
    this.#callDuration.observe({ provider, endpoint }, seconds)
  }

  /** The quota the provider reported with its latest answer. */
  providerQuota(provider: ProviderName, quota: ProviderQuota): void {
    this.#headerQuotas.set(provider, quota)
  }

  rateLimitPause(provider: string): void {
    this.#pauses.inc({ provider })
  }

  job(queue: string, name: string, result: JobResultLabel): void {
    this.#jobs.inc({ queue, name, result })
  }

  entryWritten(dataset: string): void {
    this.#written.inc({ dataset })
  }

  /** Where scrapes read the queue gauges from; null from it (Redis away) leaves them empty. */
  watchQueues(snapshot: () => Promise<QueueSnapshot | null>): void {
    this.#snapshot = snapshot
  }

  #scrape(): Promise<QueueSnapshot | null> {
    const now = Date.now()
    if (!this.#snapshot) return Promise.resolve(null)
    if (this.#last && now - this.#last.at < SNAPSHOT_REUSE_MS) return this.#last.snapshot
    this.#last = { at: now, snapshot: this.#snapshot() }
    return this.#last.snapshot
  }

  /**
   * Quota per provider, `source` telling its origin: `headers` (what the provider reported with
   * its latest answer; Bybit only) or `limiter` (the queue's BullMQ window, for every provider).
   */
  #quotaGauge(
    kind: 'used' | 'remaining',
    name: string,
    pick: (quota: { used: number; remaining: number }) => number,
  ): void {
    const metrics = this
    new Gauge({
      name,
      help: `Provider quota ${kind} in the current window, by source (headers, limiter).`,
      labelNames: ['provider', 'source'] as const,
      registers: [this.registry],
      async collect() {
        this.reset()
        for (const [provider, { limit, remaining }] of metrics.#headerQuotas) {
          this.set({ provider, source: 'headers' }, pick({ used: limit - remaining, remaining }))
        }
        for (const { provider, used, max } of (await metrics.#scrape())?.limiters ?? []) {
          const inWindow = Math.min(used, max)
          this.set(
            { provider, source: 'limiter' },
            pick({ used: inWindow, remaining: max - inWindow }),
          )
        }
      },
    })
  }
}
