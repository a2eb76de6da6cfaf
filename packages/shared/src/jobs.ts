import type { BacktestParams } from './datasets/backtest'
import { dedupId, digest } from './keys'

/** One BullMQ queue per provider, each with its own limiter, plus `derive` and `control`. */
export const QueueName = {
  coingecko: 'coingecko',
  bybit: 'bybit',
  ibkr: 'ibkr',
  derive: 'derive',
  control: 'control',
} as const
export type QueueName = (typeof QueueName)[keyof typeof QueueName]

export const JobName = {
  /** `/coins/{id}`: fills `coin` and `tokenomics` for one id. */
  coingeckoCoin: 'coingecko.coin',
  /** `/coins/markets`: fills `coin` and `tokenomics` for up to 250 ids, or the top N by market cap. */
  coingeckoMarkets: 'coingecko.markets',
  /** `/coins/{id}/ohlc`: fills `ohlcv` for one coin and interval. */
  coingeckoOhlc: 'coingecko.ohlc',
  /** Spot tickers: fills `spot` for each symbol (one call for all of them). */
  bybitSpot: 'bybit.spot',
  /** instruments-info (paged): fills `instruments` for a base coin. */
  bybitInstruments: 'bybit.instruments',
  /** One option tickers call per base coin: fills `option-chain` (and `instruments` if missing). */
  bybitOptionChain: 'bybit.option-chain',
  /** kline: fills `ohlcv` for one pair and interval. */
  bybitKline: 'bybit.kline',
  /** Snapshots of stock conids: fills `spot` for each symbol. */
  ibkrSpot: 'ibkr.spot',
  /** secdef search/strikes/info: fills `instruments` (contract qualification, conids). */
  ibkrInstruments: 'ibkr.instruments',
  /** Snapshots of every qualified contract: fills `option-chain`. */
  ibkrOptionChain: 'ibkr.option-chain',
  /** From the exchange calendar, no provider call: fills `market-status`. */
  deriveMarketStatus: 'derive.market-status',
  /** From the cached chain and spot: fills `collar`. */
  deriveCollar: 'derive.collar',
  /** From the cached chain: fills `options-summary`. */
  deriveOptionsSummary: 'derive.options-summary',
  /** From the cached candles: fills `backtest` for one parameter set. */
  deriveBacktest: 'derive.backtest',
  /** The parent of a batch's backtests (a BullMQ flow): done when every child is. */
  deriveBacktestBatch: 'derive.backtest-batch',
} as const
export type JobName = (typeof JobName)[keyof typeof JobName]

/** At most this many ids go into one `/coins/markets` call (the provider's `per_page` cap). */
export const MARKETS_PAGE_SIZE = 250

/** What to fetch, as a discriminated union on the job name. Each names its queue. */
export type JobRequest =
  | { queue: 'coingecko'; name: 'coingecko.coin'; data: { id: string } }
  | { queue: 'coingecko'; name: 'coingecko.markets'; data: { ids: string[] } | { top: number } }
  | { queue: 'coingecko'; name: 'coingecko.ohlc'; data: { id: string; interval: string } }
  | { queue: 'bybit'; name: 'bybit.spot'; data: { symbols: string[] } }
  | { queue: 'bybit'; name: 'bybit.instruments'; data: { underlying: string } }
  | { queue: 'bybit'; name: 'bybit.option-chain'; data: { underlying: string } }
  | { queue: 'bybit'; name: 'bybit.kline'; data: { symbol: string; interval: string } }
  | { queue: 'ibkr'; name: 'ibkr.spot'; data: { symbols: string[] } }
  | { queue: 'ibkr'; name: 'ibkr.instruments'; data: { underlying: string } }
  | { queue: 'ibkr'; name: 'ibkr.option-chain'; data: { underlying: string } }
  | { queue: 'derive'; name: 'derive.market-status'; data: { market: string } }
  | { queue: 'derive'; name: 'derive.collar'; data: { exchange: string; underlying: string } }
  | {
      queue: 'derive'
      name: 'derive.options-summary'
      data: { exchange: string; underlying: string }
    }
  | { queue: 'derive'; name: 'derive.backtest'; data: BacktestParams }
  | {
      queue: 'derive'
      name: 'derive.backtest-batch'
      data: Omit<BacktestParams, 'symbol'> & { symbols: string[] }
    }

/** Who asked; decides the priority. */
export const JobOrigin = {
  miss: 'miss',
  update: 'update',
  stale: 'stale',
  refreshAhead: 'refresh-ahead',
  warm: 'warm',
} as const
export type JobOrigin = (typeof JobOrigin)[keyof typeof JobOrigin]

/** BullMQ priorities: lower runs first. Every job gets one, because unprioritised jobs jump ahead. */
export const Priority: Record<JobOrigin, number> = {
  miss: 1,
  update: 2,
  stale: 3,
  'refresh-ahead': 4,
  warm: 5,
}

/** The payload stored on the job: the request's data plus who asked. */
export type JobPayload<R extends JobRequest = JobRequest> = R['data'] & { origin: JobOrigin }

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
 * their sorted items, so order does not matter): `coingecko.coin|bitcoin`, `bybit.kline|1h|BTCUSDT`.
 */
export function requestDedupId(request: JobRequest): string {
  const data = request.data as Record<string, unknown>
  const parts = Object.keys(data)
    .sort()
    .map((name) => {
      const value = data[name]
      if (Array.isArray(value))
        return value.length === 1 ? String(value[0]) : digest([...value].sort())
      return String(value)
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
  return {
    priority: Priority[origin],
    deduplication: options.dedupTtlMs === undefined ? { id } : { id, ttl: options.dedupTtlMs },
    attempts: options.attempts ?? JOB_DEFAULTS.attempts,
    backoff: { type: 'provider' },
    removeOnComplete: { ...JOB_DEFAULTS.removeOnComplete },
    removeOnFail: { ...JOB_DEFAULTS.removeOnFail },
  }
}

/** Splits ids into `/coins/markets`-sized requests. */
export function marketsRequests(ids: readonly string[]): JobRequest[] {
  const requests: JobRequest[] = []
  for (let i = 0; i < ids.length; i += MARKETS_PAGE_SIZE) {
    requests.push({
      queue: 'coingecko',
      name: 'coingecko.markets',
      data: { ids: ids.slice(i, i + MARKETS_PAGE_SIZE) },
    })
  }
  return requests
}

/** Job ids are unique per queue; the public id carries the queue: `coingecko.42`. */
export function publicJobId(queue: QueueName, id: string): string {
  return `${queue}.${id}`
}

export function parsePublicJobId(publicId: string): { queue: QueueName; id: string } | null {
  const dot = publicId.indexOf('.')
  if (dot < 1) return null
  const queue = publicId.slice(0, dot)
  const id = publicId.slice(dot + 1)
  if (
    !(Object.values(QueueName) as string[]).includes(queue) ||
    !/^[A-Za-z0-9._|-]{1,200}$/.test(id)
  ) {
    return null
  }
  return { queue: queue as QueueName, id }
}
