import { createHash } from 'node:crypto'
import { InvalidParamError } from './errors'

/** What a key segment may contain: no `:`, no glob characters, no whitespace. */
const SEGMENT = /^[A-Za-z0-9._-]{1,64}$/
/** A prefix may also carry a Redis Cluster hash tag, e.g. `{mc}`. */
const PREFIX = /^(\{[A-Za-z0-9._-]+\}|[A-Za-z0-9._-]+)$/

/**
 * Validates one key segment and returns it unchanged, or throws an InvalidParamError that names
 * the parameter. Every caller-supplied value passes through here before a key exists.
 */
export function keySegment(param: string, value: string): string {
  if (!SEGMENT.test(value)) {
    throw new InvalidParamError(
      param,
      `${param} must be 1-64 characters of A-Z, a-z, 0-9, '.', '_' or '-'`,
    )
  }
  return value
}

/** A 16-hex-char SHA-256 digest of canonical JSON, for open-ended param sets (backtests, batches). */
export function digest(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 16)
}

/** JSON with object keys sorted at every depth, so equal values always hash alike. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  )
}

/**
 * The one place that builds Redis keys and channel names. Nothing else concatenates key strings.
 * Cache keys look like `mc:v1:coin:bitcoin`.
 */
export class Keys {
  constructor(readonly prefix: string) {
    if (!PREFIX.test(prefix)) {
      throw new Error(`key prefix "${prefix}" must match ${PREFIX}`)
    }
  }

  /** `segments` must already be canonical and validated (datasets do this in their `segments`). */
  cache(dataset: string, schemaVersion: number, segments: readonly string[]): string {
    return [this.prefix, `v${schemaVersion}`, dataset, ...segments].join(':')
  }

  /** SCAN pattern matching every cache key, of every dataset and schema version. */
  cachePattern(): string {
    return `${this.prefix}:v*:*`
  }

  /** The dataset a cache key belongs to, or null for a key that is not a cache key of ours. */
  datasetOf(key: string): string | null {
    const [prefix, version, dataset] = key.split(':')
    return prefix === this.prefix && /^v\d+$/.test(version ?? '') && dataset ? dataset : null
  }

  /**
   * SCAN pattern for the cache keys of one dataset version whose segments match `parts` (null:
   * any value), letters in either case. Parts must be validated segments, so the pattern holds
   * no glob syntax but its own. SCAN's `*` also spans `:`: confirm each key with `cacheSegments`.
   */
  cacheMatch(dataset: string, schemaVersion: number, parts: readonly (string | null)[]): string {
    const glob = (part: string | null) =>
      part === null
        ? '*'
        : part.replace(/[A-Za-z]/g, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`)
    return this.cache(dataset, schemaVersion, parts.map(glob))
  }

  /** The segments of a cache key of that dataset version, or null when it is not one. */
  cacheSegments(key: string, dataset: string, schemaVersion: number): string[] | null {
    const head = `${this.cache(dataset, schemaVersion, [])}:`
    return key.startsWith(head) ? key.slice(head.length).split(':') : null
  }

  /** SCAN pattern matching every cache key of a dataset, across schema versions. */
  datasetPattern(dataset: string): string {
    return `${this.prefix}:v*:${dataset}:*`
  }

  /**
   * A pushed dataset's index (a sorted set of entry keys by `freshUntil`), e.g. the signals of
   * one symbol: `mc:index:v1:signal:symbol:AAPL`. Outside the cache key space (`cachePattern`),
   * so scans of entries never meet it. `segment` is validated here.
   */
  index(dataset: string, schemaVersion: number, field: string, segment: string): string {
    const value = keySegment(field, segment)
    return [this.prefix, 'index', `v${schemaVersion}`, dataset, field, value].join(':')
  }

  /** Pub/sub channel on which the envelope writer announces `{key, etag}` after each write. */
  writtenChannel(): string {
    return `${this.prefix}:events:written`
  }

  /** Hash of read counters, fields `<dataset>.<outcome>`. */
  readStats(): string {
    return `${this.prefix}:stats:reads`
  }

  /**
   * Sorted set of one dataset's most-read cache keys, scored by reads (approximate: the API keeps
   * only the top few thousand). `dataset` is a registered name.
   */
  topReads(dataset: string): string {
    return `${this.prefix}:stats:top-reads:${keySegment('dataset', dataset)}`
  }

  /**
   * When a provider's next call may start (epoch ms, on the Redis clock), for the per-call pacing
   * every worker replica shares; on the queue prefix.
   */
  providerPacing(provider: string): string {
    return `${this.prefix}:pacing:${keySegment('provider', provider)}`
  }

  /** Hash of provider call counters, fields `<provider>.<endpoint>`. */
  providerCalls(): string {
    return `${this.prefix}:stats:provider-calls`
  }

  /**
   * Hash of each provider's last answers, fields `<provider>.success` and `<provider>.failure`
   * (epoch ms) and `<provider>.failure_status`.
   */
  providerHealth(): string {
    return `${this.prefix}:stats:provider-health`
  }

  /**
   * One worker process's heartbeat (a JSON string with a TTL), on the queue prefix: it is gone
   * soon after the process is. `id` is the process's own validated id.
   */
  workerHeartbeat(id: string): string {
    return `${this.prefix}:heartbeat:${keySegment('id', id)}`
  }

  /** SCAN pattern matching every worker heartbeat on this prefix. */
  workerHeartbeatPattern(): string {
    return `${this.prefix}:heartbeat:*`
  }

  /**
   * Namespace of one rate-limit budget's counters (`all`, `costly`), shared by every API
   * replica on this prefix. The rate-limit store appends the client's id, so this ends in `:`.
   */
  rateLimit(scope: string): string {
    return `${this.prefix}:ratelimit:${keySegment('scope', scope)}:`
  }
}

/**
 * The BullMQ prefix as used on a connection. On a Redis Cluster it carries a hash tag (`mcq` →
 * `{mcq}`): BullMQ's scripts touch many keys of a queue at once, so they must share a slot. A
 * prefix already tagged is kept as it is, and a single server uses the prefix as configured.
 * Cache keys carry no tag, so entries spread over every slot.
 */
export function queuePrefixFor(prefix: string, cluster: boolean): string {
  return cluster && !prefix.startsWith('{') ? `{${prefix}}` : prefix
}

/**
 * A deduplication id from validated segments. BullMQ ids may not contain `:`, and `|` never
 * appears in a segment, so the join is unambiguous: `coingecko.coin|bitcoin`.
 */
export function dedupId(...parts: readonly string[]): string {
  return parts.join('|')
}
