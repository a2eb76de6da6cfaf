import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client'
import { BoundHistogram, type HistogramSeries } from './bound-histogram'
import type { ReadMetrics, ReadOutcome } from './read-telemetry'

/** A hit is about a millisecond and a miss waits up to READ_WAIT_MAX_MS (10 s). */
const DURATION_BUCKETS_S = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
]
/** From a just-fetched spot price to a day-old backtest (fresh windows run 30 s to 24 h). */
const AGE_BUCKETS_S = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21_600, 86_400]

/** The route label of a request no route matched: raw URLs would make the label unbounded. */
export const UNMATCHED_ROUTE = 'unmatched'

/**
 * The API's Prometheus metrics, in a registry of its own (no prom-client global), so tests can
 * run several apps in one process. Labels are bounded: datasets, outcomes, route templates,
 * methods and statuses; never ids, symbols or keys.
 */
export class ApiMetrics implements ReadMetrics {
  readonly registry = new Registry()
  /** Reads by `<dataset>|<outcome>`, exposed at each scrape. */
  readonly #readCounts = new Map<string, { labels: Record<string, string>; value: number }>()
  readonly #requestDuration = new BoundHistogram(
    'marketcache_http_request_duration_seconds',
    'HTTP requests by route template, method and status, until the response was sent.',
    DURATION_BUCKETS_S,
    this.registry,
  )
  readonly #dataAge = new BoundHistogram(
    'marketcache_data_age_seconds',
    'Age of the data served (since the worker fetched it), by dataset.',
    AGE_BUCKETS_S,
    this.registry,
  )

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'marketcache_' })
    const counts = this.#readCounts
    new Counter({
      name: 'marketcache_reads_total',
      help: 'Reads by dataset and read decision (HIT, STALE, MISS, NOT_FOUND); a multi-get counts each id.',
      labelNames: ['dataset', 'outcome'] as const,
      registers: [this.registry],
      collect() {
        this.reset()
        for (const { labels, value } of counts.values()) this.inc(labels, value)
      },
    })
  }

  /**
   * The running count of `dataset`'s reads with `outcome`: the read path adds to it (labels are
   * bounded: datasets and outcomes), the counter shows it at each scrape.
   */
  readTotal(dataset: string, outcome: ReadOutcome): { value: number } {
    const id = `${dataset}|${outcome}`
    let total = this.#readCounts.get(id)
    if (total === undefined) {
      // Named as the read decision and X-Cache-Status name them.
      total = { labels: { dataset, outcome: outcome.toUpperCase() }, value: 0 }
      this.#readCounts.set(id, total)
    }
    return total
  }

  /** The data-age series of `dataset` (seconds), bound once. */
  dataAge(dataset: string): HistogramSeries {
    return this.#dataAge.series({ dataset })
  }

  /** The in-process layer's reads by result, and what it holds, read at each scrape. */
  watchL1(l1: {
    hits: number
    misses: number
    readonly size: { entries: number; bytes: number }
  }): void {
    const registers = [this.registry]
    new Counter({
      name: 'marketcache_l1_reads_total',
      help: "Entry lookups in this process's L1: hit (served from memory) or miss (read from Redis).",
      labelNames: ['result'] as const,
      registers,
      collect() {
        this.reset()
        this.inc({ result: 'hit' }, l1.hits)
        this.inc({ result: 'miss' }, l1.misses)
      },
    })
    new Gauge({
      name: 'marketcache_l1_entries',
      help: "Entries held in this process's L1.",
      registers,
      collect() {
        this.set(l1.size.entries)
      },
    })
    new Gauge({
      name: 'marketcache_l1_bytes',
      help: "Estimated bytes held in this process's L1 (bounded by L1_MAX_BYTES).",
      registers,
      collect() {
        this.set(l1.size.bytes)
      },
    })
  }

  /** The live-update streams of this process (`StreamHub`). */
  watchStream(hub: {
    readonly size: number
    readonly ended: Readonly<Record<string, number>>
  }): void {
    const registers = [this.registry]
    new Gauge({
      name: 'marketcache_stream_subscribers',
      help: 'Open GET /v1/stream connections in this process (bounded by STREAM_MAX_SUBSCRIBERS).',
      registers,
      collect() {
        this.set(hub.size)
      },
    })
    new Counter({
      name: 'marketcache_stream_ended_total',
      help: 'Streams the server ended: slow or stalled clients, lost written events, shutdown.',
      labelNames: ['reason'] as const,
      registers,
      collect() {
        this.reset()
        for (const [reason, count] of Object.entries(hub.ended)) this.inc({ reason }, count)
      },
    })
  }

  /**
   * The duration series of responses of `route` (its template, `UNMATCHED_ROUTE` when none
   * matched) with `method` and `status`, 404s and errors included: observed in seconds once the
   * response is sent.
   */
  requestTimer(route: string, method: string, status: number): HistogramSeries {
    return this.#requestDuration.series({ route, method, status: String(status) })
  }
}
