import type { Envelope } from '@marketcache/shared/envelope'
import { perKey, type RedisClient, type RedisCommander } from '@marketcache/shared/redis-client'

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

/** Where reads are also reported as they happen (the Prometheus metrics). */
export interface ReadMetrics {
  read(dataset: string, outcome: ReadOutcome, by: number): void
  /** Data went out to a client: how old it was. */
  served(dataset: string, envelope: Envelope, now: number): void
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
  private counts = new Map<string, number>()
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
    const field = `${dataset}.${outcome}`
    this.counts.set(field, (this.counts.get(field) ?? 0) + by)
    this.options.metrics?.read(dataset, outcome, by)
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
    this.options.metrics?.served(dataset, envelope, now)
  }

  /** The L1 lookups since the last flush, as counts like the others (kept on failure too). */
  private takeL1Counts(): void {
    const l1 = this.options.l1
    if (!l1) return
    const { hits, misses } = l1
    const add = (field: string, by: number) => {
      if (by > 0) this.counts.set(field, (this.counts.get(field) ?? 0) + by)
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
    if (this.counts.size === 0 && this.keyReads.size === 0) return
    const batch = this.counts
    const keyReads = this.keyReads
    this.counts = new Map()
    this.keyReads = new Map()
    this.keysCounted = 0
    try {
      // Each command is on one key: the stats hash, or one dataset's sorted set (another slot).
      const commands: ((client: RedisCommander) => unknown)[] = []
      for (const [field, by] of batch) {
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
      for (const [field, by] of batch) this.counts.set(field, (this.counts.get(field) ?? 0) + by)
      this.options.onError?.(error as Error)
    }
  }
}
