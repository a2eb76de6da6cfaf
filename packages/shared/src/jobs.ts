import { type Static, type TSchema, Type } from '@sinclair/typebox'
import { BacktestParams } from './datasets/backtest-params'
import { CoinIdParams } from './datasets/coin-id'
import { Interval } from './intervals'
import { dedupId, digest } from './keys'
import { Market } from './markets'
import { PUSH_RETENTION, PushJobData } from './push-job'
import { checkOf } from './schema-check'

/** One BullMQ queue per provider, each with its own limiter, plus `derive`, `control`, `push`. */
export const QueueName = {
  coingecko: 'coingecko',
  bybit: 'bybit',
  ibkr: 'ibkr',
  derive: 'derive',
  control: 'control',
  push: 'push',
} as const
export type QueueName = (typeof QueueName)[keyof typeof QueueName]

/** At most this many ids go into one `/coins/markets` call (the provider's `per_page` cap). */
export const MARKETS_PAGE_SIZE = 250

/** Symbols (conids) per spot (quote) job: one Bybit tickers call, one round of IBKR snapshots. */
export const SPOT_BATCH_SIZE = 100

// Job data carries canonical params (the producers validated them); the schemas re-check shape.
const CoinId = CoinIdParams.properties.id
const Segment = Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$' })
const IntervalName = Type.Union(Object.keys(Interval).map((name) => Type.Literal(name as Interval)))
/** A read route's param as the client sent it; the worker parses it as the route does. */
const RawParam = Type.String({ maxLength: 256 })
const Symbols = Type.Array(Segment, { minItems: 1, maxItems: SPOT_BATCH_SIZE })
const Conid = Type.String({ pattern: '^[1-9][0-9]{0,11}$' })
const Conids = Type.Array(Conid, { minItems: 1, maxItems: SPOT_BATCH_SIZE })
const Underlying = Type.Object({ underlying: Segment })
const ExchangeUnderlying = Type.Object({ exchange: Segment, underlying: Segment })

const job = <Q extends QueueName, D extends TSchema>(queue: Q, data: D) => ({ queue, data })

/**
 * Every job marketcache runs: its queue and the schema of its data. The job names, the
 * `JobRequest` union, the request schema and the data checks are all derived from this table, so
 * a job cannot be missing from one of them. Data schemas allow extra fields (`origin`, tracing);
 * `JobRequestSchema` is strict.
 */
export const Jobs = {
  /** `/coins/{id}`: fills `coin` and `tokenomics` for one id. */
  'coingecko.coin': job('coingecko', Type.Object({ id: CoinId })),
  /** `/coins/markets`: fills `coin` and `tokenomics` for up to 250 ids, or the top N by market cap. */
  'coingecko.markets': job(
    'coingecko',
    Type.Union([
      Type.Object({ ids: Type.Array(CoinId, { minItems: 1, maxItems: MARKETS_PAGE_SIZE }) }),
      Type.Object({ top: Type.Integer({ minimum: 1, maximum: MARKETS_PAGE_SIZE }) }),
    ]),
  ),
  /** `/coins/list`: fills the `catalog` of every CoinGecko coin id. */
  'coingecko.catalog': job('coingecko', Type.Object({})),
  /** `/coins/{id}/ohlc`: fills `ohlcv` for one coin and interval. */
  'coingecko.ohlc': job('coingecko', Type.Object({ id: CoinId, interval: IntervalName })),
  /** Spot tickers: fills `spot` for each symbol (one call for all of them). */
  'bybit.spot': job('bybit', Type.Object({ symbols: Symbols })),
  /** instruments-info (paged): fills `instruments` for a base coin. */
  'bybit.instruments': job('bybit', Underlying),
  /** One option tickers call per base coin: fills `option-chain` (and `instruments` if missing). */
  'bybit.option-chain': job('bybit', Underlying),
  /** instruments-info (spot): fills the `catalog` of every Bybit spot pair. */
  'bybit.catalog': job('bybit', Type.Object({})),
  /** option-base-coins: fills the `catalog` of every base coin Bybit lists options on. */
  'bybit.option-catalog': job('bybit', Type.Object({})),
  /** kline: fills `ohlcv` for one pair and interval. */
  'bybit.kline': job('bybit', Type.Object({ symbol: Segment, interval: IntervalName })),
  /** Snapshots of stock conids: fills `spot` for each symbol. */
  'ibkr.spot': job('ibkr', Type.Object({ symbols: Symbols })),
  /** secdef search/strikes/info: fills `instruments` (contract qualification, conids). */
  'ibkr.instruments': job('ibkr', Underlying),
  /** Snapshots of every qualified contract: fills `option-chain`. */
  'ibkr.option-chain': job('ibkr', Underlying),
  /** One round of snapshots of any contracts (stocks, options) by conid: fills `quote` for each. */
  'ibkr.quote': job('ibkr', Type.Object({ conids: Conids })),
  /** marketdata/history of the stock's conid: fills `ohlcv` for one stock and interval. */
  'ibkr.history': job('ibkr', Type.Object({ symbol: Segment, interval: IntervalName })),
  /** From the exchange calendar, no provider call: fills `market-status`. */
  'derive.market-status': job(
    'derive',
    Type.Object({ market: Type.Union(Object.values(Market).map((m) => Type.Literal(m))) }),
  ),
  /** From the cached chain and spot: fills `collar`. */
  'derive.collar': job('derive', ExchangeUnderlying),
  /** From the cached chain: fills `options-summary`. */
  'derive.options-summary': job('derive', ExchangeUnderlying),
  /** From the cached candles: fills `backtest` for one parameter set. */
  'derive.backtest': job('derive', Type.Object(BacktestParams.properties)),
  /** The parent of a batch's backtests (a BullMQ flow): done when every child is. */
  'derive.backtest-batch': job(
    'derive',
    Type.Object({
      ...Type.Omit(BacktestParams, ['symbol']).properties,
      symbols: Type.Array(Segment, { minItems: 1, maxItems: 1000 }),
    }),
  ),
  /** Deletes or soft-expires cache entries (`invalidation.ts`), counting the keys touched. */
  'control.invalidate': job(
    'control',
    Type.Object({
      mode: Type.Union([Type.Literal('delete'), Type.Literal('expire')]),
      target: Type.Union([
        Type.Object({ dataset: Segment, params: Type.Record(Type.String(), RawParam) }),
        Type.Object({ dataset: Segment, match: Type.Record(Type.String(), Segment) }),
        Type.Object({ dataset: Segment }),
        Type.Object({ all: Type.Literal(true) }),
      ]),
      /** When it was asked for (epoch ms): makes every request its own job. */
      at: Type.Integer({ minimum: 0 }),
    }),
  ),
  /** Writes the values a producer pushed, each through the envelope writer. */
  'push.write': job('push', PushJobData),
} as const satisfies Record<string, { queue: QueueName; data: TSchema }>

type JobTable = typeof Jobs
export type JobName = keyof JobTable
export const jobNames = Object.keys(Jobs) as JobName[]

/** What to fetch, as a discriminated union on the job name. Each names its queue. */
export type JobRequest = {
  [N in JobName]: { queue: JobTable[N]['queue']; name: N; data: Static<JobTable[N]['data']> }
}[JobName]

/** A job's data by job name (without `origin`, which only decides priority). */
export type JobData<N extends JobName> = Static<JobTable[N]['data']>

/** The job names a queue carries. */
export type QueueJobName<Q extends QueueName> = Extract<JobRequest, { queue: Q }>['name']

/** The same schema with no fields beyond the declared ones, for requests written by hand. */
function strict(schema: TSchema): TSchema {
  if (schema.type === 'object') return { ...schema, additionalProperties: false }
  if (Array.isArray(schema.anyOf)) return { ...schema, anyOf: schema.anyOf.map(strict) }
  return schema
}

/**
 * A JobRequest as a schema, for requests that arrive as text (warm-up schedules): one strict
 * member per job of the table.
 */
export const JobRequestSchema = Type.Unsafe<JobRequest>(
  Type.Union(
    jobNames.map((name) =>
      Type.Object(
        {
          queue: Type.Literal(Jobs[name].queue),
          name: Type.Literal(name),
          data: strict(Jobs[name].data),
        },
        { additionalProperties: false },
      ),
    ),
  ),
)

/** The first problem with a job's data, or null when a processor can run it. */
export function jobDataProblem(name: JobName, data: unknown): string | null {
  if (!Object.hasOwn(Jobs, name)) return `${String(name)} is not a job`
  const error = checkOf(Jobs[name].data).Errors(data).First()
  return error ? `${error.path || '(root)'}: ${error.message}` : null
}

/** Who asked; decides the priority, and whether what is cached may answer. */
export const JobOrigin = {
  miss: 'miss',
  /** update-cache, a `fresh=true` read: a new version, whatever is cached. */
  update: 'update',
  /** A backtest batch's runs: update priority, but a fresh result is reused, not recomputed. */
  batch: 'batch',
  stale: 'stale',
  refreshAhead: 'refresh-ahead',
  warm: 'warm',
} as const
export type JobOrigin = (typeof JobOrigin)[keyof typeof JobOrigin]

/** BullMQ priorities: lower runs first. Every job gets one, because unprioritised jobs jump ahead. */
export const Priority: Record<JobOrigin, number> = {
  miss: 2,
  update: 3,
  batch: 3,
  stale: 4,
  'refresh-ahead': 5,
  warm: 6,
}

/**
 * No producer's: the worker moves a job here, ahead of the misses, when misses have bypassed it
 * for too long, so a flood of misses never starves the other origins (the worker's `lanes.ts`).
 */
export const AGED_PRIORITY = 1

/** The payload stored on the job: the request's data plus who asked, and when they looked. */
export type JobPayload<R extends JobRequest = JobRequest> = R['data'] & {
  origin: JobOrigin
  /**
   * What the producer saw, on the entries' `fetchedAt` scale (epoch ms): a read puts one past the
   * newest version it read (0 when it read none), a warm-up its tick. A job whose entries were all
   * fetched at or after it, and are fresh, has nothing left to do, and the worker drops it, except
   * for `update`, which asks for a new version. @defaultValue the job's creation time
   */
  seenAt?: number
}

/** Options both producers (API, cron) put on every job. Plain data: this package does no I/O. */
export interface ProducerJobOptions {
  priority: number
  /** Without `ttl` the id is released when the job finishes; with it, it is held for `ttl` ms. */
  deduplication: { id: string; ttl?: number }
  attempts: number
  backoff: { type: 'provider' }
  removeOnComplete: { age: number; count: number }
  removeOnFail: { age: number; count: number }
}

/** @defaultValue 4 attempts, completed jobs kept 1 h (≤ 1000), failed ones 24 h (≤ 5000). */
export const JOB_DEFAULTS = {
  attempts: 4,
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 86_400, count: 5000 },
} as const

/**
 * The id that makes concurrent requests for the same fetch collapse into one job: the job name,
 * then the request's values in key order (validated segments as they are; lists as a digest of
 * their sorted items, so order does not matter; objects as a digest): `coingecko.coin|bitcoin`,
 * `bybit.kline|1h|BTCUSDT`.
 */
export function requestDedupId(request: JobRequest): string {
  const data = request.data as Record<string, unknown>
  const parts = Object.keys(data)
    .sort()
    .map((name) => {
      const value = data[name]
      // One value as it is, unless it is an object (a pushed value): lists of those are digests.
      const single = Array.isArray(value) && value.length === 1 && typeof value[0] !== 'object'
      if (Array.isArray(value)) return single ? String(value[0]) : digest([...value].sort())
      return value !== null && typeof value === 'object' ? digest(value) : String(value)
    })
  return dedupId(request.name, ...parts)
}

/**
 * @param dedup - overrides the request-derived id, e.g. a warm-up tick's `warm|<schedule>|<tick>`.
 * @param dedupTtlMs - keeps the id claimed for this long even after the job finished, so a
 *   producer that arrives late (a slow replica's cron tick) cannot enqueue the fetch again.
 */
export function producerJobOptions(
  request: JobRequest,
  origin: JobOrigin,
  options: { attempts?: number; dedup?: string; dedupTtlMs?: number } = {},
): ProducerJobOptions {
  const id = options.dedup ?? requestDedupId(request)
  // A push carries its values (up to the push body limit): keep fewer of them, for less long.
  const kept = request.queue === QueueName.push ? PUSH_RETENTION : JOB_DEFAULTS
  return {
    priority: Priority[origin],
    deduplication: options.dedupTtlMs === undefined ? { id } : { id, ttl: options.dedupTtlMs },
    attempts: options.attempts ?? JOB_DEFAULTS.attempts,
    backoff: { type: 'provider' },
    removeOnComplete: { ...kept.removeOnComplete },
    removeOnFail: { ...kept.removeOnFail },
  }
}
