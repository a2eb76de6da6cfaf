import type { Envelope } from '@marketcache/shared/envelope'
import { perKey, type RedisClient, type RedisCommander } from '@marketcache/shared/redis-client'
import type { Observer } from './bound-histogram'

/** How a read was answered; the suffix of its counter field `<dataset>.<outcome>`. */
export const ReadOutcome = {
  hit: 'hit',
  stale: 'stale',
  miss: 'miss',
  notFound: 'not_found',
} as const
export type ReadOutcome = (typeof ReadOutcome)[keyof typeof ReadOutcome]

/** Fields of the read-stats hash for L1 lookups (no dataset is named `l1`). */
export const L1_FIELDS = { hit: 'l1.hit', miss: 'l1.miss' } as const

/** Where reads are also reported as they happen (the Prometheus metrics), bound per dataset. */
export interface ReadMetrics {
  /** The running count of `dataset`'s reads with `outcome`. */
  readTotal(dataset: string, outcome: ReadOutcome): { value: number }
  /** The ages (seconds) of `dataset`'s data as it went out to clients. */
  dataAge(dataset: string): Observer
}

/**
 * The reads of one dataset with one outcome, bound once (`ReadTelemetry.counter`): what the stats
 * hash gets at the next flush, and the metrics at once. Counting is two additions.
 */
export class ReadCount {
  /** Counted since the last flush took them. */
  pending = 0

  constructor(
    /** The stats hash field, `<dataset>.<outcome>`. */
    readonly field: string,
    private readonly total?: { value: number },
  ) {}

  add(by = 1): void {
    this.pending += by
    if (this.total) this.total.value += by
  }
}

/** How old an envelope's data is, in seconds, when it goes out at `now`. */
export function dataAgeSeconds(envelope: Envelope, now: number): number {
  return Math.max(0, now - envelope.fetchedAt) / 1000
}

/** The most-read keys kept per dataset in Redis; `/v1/cache/stats` shows the first 20. */
export const TOP_READS_KEPT = 1000
/**
 * Distinct keys counted between two flushes, over all datasets: a flood of distinct ids costs
 * bounded memory (further new keys go uncounted until the next flush; known ones still count).
 */
const KEYS_PER_FLUSH = 10_000

/**
 * Read counters, kept in memory and flushed once a second with one pipelined HINCRBY per field
 * (and ZINCRBY per key read, for the most-read keys), so the request path never waits on
 * telemetry. The API's only writes to Redis.
 */
export class ReadTelemetry {
  /** Every counter made so far, by field: datasets and outcomes, so a bounded set. */
  private readonly counters = new Map<string, ReadCount>()
  /** Reads per dataset and key since the last flush. */
  private keyReads = new Map<string, Map<string, number>>()
  private keysCounted = 0
  private timer: NodeJS.Timeout | undefined
  private flushing: Promise<void> = Promise.resolve()

  constructor(
    private readonly redis: RedisClient,
    /** The stats hash, `keys.readStats()`. */
    private readonly statsKey: string,
    private readonly options: {
      /** The sorted set of a dataset's most-read keys, `keys.topReads(dataset)`. */
      topReadsKey?: (dataset: string) => string
      intervalMs?: number
      onError?: (error: Error) => void
      metrics?: ReadMetrics
      /** This process's L1 counters, added to the hash as `l1.hit` and `l1.miss` at each flush. */
      l1?: { readonly hits: number; readonly misses: number }
    } = {},
  ) {}

  /** The L1 counters as of the last flush that took them. */
  private l1Flushed = { hits: 0, misses: 0 }

  /** One read's decision: the counters of `/v1/cache/stats` and of `/metrics` alike. */
  count(dataset: string, outcome: ReadOutcome, by = 1): void {
    this.counter(dataset, outcome).add(by)
  }

  /** The counter `count` adds to, for a caller that counts one dataset and outcome often. */
  counter(dataset: string, outcome: ReadOutcome): ReadCount {
    return this.counterOf(`${dataset}.${outcome}`, () =>
      this.options.metrics?.readTotal(dataset, outcome),
    )
  }

  /** The counter of a stats hash field, made on first use with its metric total, if any. */
  private counterOf(field: string, total: () => { value: number } | undefined): ReadCount {
    let counter = this.counters.get(field)
    if (counter === undefined) {
      counter = new ReadCount(field, total())
      this.counters.set(field, counter)
    }
    return counter
  }

  /** Where `served` observes `dataset`'s data ages, bound once; undefined without metrics. */
  ageOf(dataset: string): Observer | undefined {
    return this.options.metrics?.dataAge(dataset)
  }

  /** A read of `key` (one per request and key, whatever its outcome), for the most-read keys. */
  readKey(dataset: string, key: string): void {
    let reads = this.keyReads.get(dataset)
    if (reads === undefined) {
      reads = new Map()
      this.keyReads.set(dataset, reads)
    }
    const known = reads.get(key)
    if (known !== undefined) reads.set(key, known + 1)
    else if (this.keysCounted < KEYS_PER_FLUSH) {
      reads.set(key, 1)
      this.keysCounted++
    }
  }

  /** An entry of `dataset` answered a read (its data, or a 304 for it). */
  served(dataset: string, envelope: Envelope, now = Date.now()): void {
    this.ageOf(dataset)?.observe(dataAgeSeconds(envelope, now))
  }

  /** The L1 lookups since the last flush, as counts like the others (kept on failure too). */
  private takeL1Counts(): void {
    const l1 = this.options.l1
    if (!l1) return
    const { hits, misses } = l1
    // Not in the metrics: those read the L1 counters themselves (`watchL1`).
    const add = (field: string, by: number) => {
      if (by > 0) this.counterOf(field, () => undefined).pending += by
    }
    add(L1_FIELDS.hit, hits - this.l1Flushed.hits)
    add(L1_FIELDS.miss, misses - this.l1Flushed.misses)
    this.l1Flushed = { hits, misses }
  }

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.options.intervalMs ?? 1000)
    // Telemetry alone must not keep the process alive.
    this.timer.unref()
  }

  /** Writes the counts gathered so far; on failure they are kept for the next flush. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.flushOnce())
    return this.flushing
  }

  async close(): Promise<void> {
    clearInterval(this.timer)
    this.timer = undefined
    await this.flush()
  }

  private async flushOnce(): Promise<void> {
    this.takeL1Counts()
    const batch: [ReadCount, number][] = []
    for (const counter of this.counters.values()) {
      if (counter.pending === 0) continue
      batch.push([counter, counter.pending])
      counter.pending = 0
    }
    if (batch.length === 0 && this.keyReads.size === 0) return
    const keyReads = this.keyReads
    this.keyReads = new Map()
    this.keysCounted = 0
    try {
      // Each command is on one key: the stats hash, or one dataset's sorted set (another slot).
      const commands: ((client: RedisCommander) => unknown)[] = []
      for (const [{ field }, by] of batch) {
        commands.push((client) => client.hincrby(this.statsKey, field, by))
      }
      const topReadsKey = this.options.topReadsKey
      if (topReadsKey) {
        for (const [dataset, reads] of keyReads) {
          const top = topReadsKey(dataset)
          for (const [key, by] of reads) commands.push((client) => client.zincrby(top, by, key))
          // The least read beyond the kept ones go; a key read often enough comes back.
          commands.push((client) => client.zremrangebyrank(top, 0, -(TOP_READS_KEPT + 1)))
        }
      }
      const replies = await perKey(this.redis, commands, (client, command) => command(client))
      const failed = replies.find(([error]) => error)
      if (failed?.[0]) throw failed[0]
    } catch (error) {
      // Redis is away: keep the counts (the key reads are dropped: they only rank). A partly
      // applied pipeline may count twice, which is acceptable for telemetry and better than
      // losing an outage's worth of reads.
      for (const [counter, by] of batch) counter.pending += by
      this.options.onError?.(error as Error)
    }
  }
}
