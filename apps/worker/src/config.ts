import { ConfigError, parseEnv } from '@marketcache/shared/env'
import { queuePrefixFor } from '@marketcache/shared/keys'
import {
  type RedisConnections,
  redisConnectionsFrom,
  redisEnv,
} from '@marketcache/shared/redis-env'
import { type Static, Type } from '@sinclair/typebox'
import type { FreshnessConfig } from './contracts/processor'
import { Count, Prefix } from './env-fields'
import { freshnessEnv, freshnessFrom } from './freshness-config'
import { LOG_LEVELS, type LogLevel } from './logger'
import { type BybitConfig, bybitConfigFrom, bybitEnv } from './providers/bybit/config'
import {
  type CoinGeckoConfig,
  coingeckoConfigFrom,
  coingeckoEnv,
} from './providers/coingecko/config'
import { type IbkrConfig, ibkrConfigFrom, ibkrEnv } from './providers/ibkr/config'
import { parseWarmSchedules, type WarmSchedule } from './warm-schedule'

/** The US underlyings warmed on IBKR by default: two index ETFs and three of the most traded stocks. */
const US_UNDERLYINGS = ['SPY', 'QQQ', 'AAPL', 'MSFT', 'TSLA']

// Where `<DATASET>_*_S` names come from; config tests and docs build names with it.
export { freshnessVariable } from './freshness-config'

/**
 * The worker's own defaults; each provider's live beside its client (`providers/<name>/config.ts`)
 * and the per-dataset freshness ones in `freshness-config.ts`.
 */
const DEFAULTS = {
  CACHE_REDIS_URL: 'redis://127.0.0.1:6379',
  KEY_PREFIX: 'mc',
  QUEUE_PREFIX: 'mcq',
  LOG_LEVEL: 'info',
  /** Loopback, like the API: exposing it is a deliberate choice (0.0.0.0 in the container). */
  WORKER_METRICS_HOST: '127.0.0.1',
  /** Where /metrics and /health listen; the OpenTelemetry Prometheus exporter's usual port. */
  WORKER_METRICS_PORT: 9464,
  /** Analytics computed from cached inputs; no provider limit applies. */
  DERIVE_CONCURRENCY: 4,
  /** First retry waits up to this long (full jitter), doubling per attempt. */
  BACKOFF_BASE_MS: 1_000,
  BACKOFF_MAX_MS: 60_000,
  /** A running job's lock (renewed while it runs): a worker that dies gives its jobs back after it. */
  JOB_LOCK_MS: 30_000,
  /** How often each worker looks for jobs whose worker died (BullMQ's stalled-job check). */
  STALLED_CHECK_MS: 30_000,
  /**
   * Keeps the provider catalogs, the top 50 coins, BTC/ETH/SOL chains, spot and collars, and the five US
   * underlyings' instruments, spot and (in market hours) chains warm; `[]` disables warm-ups.
   */
  WARM_SCHEDULES: JSON.stringify([
    {
      name: 'coin-catalog',
      cron: '7 * * * *',
      request: { queue: 'coingecko', name: 'coingecko.catalog', data: {} },
    },
    {
      name: 'spot-catalog',
      cron: '9 * * * *',
      request: { queue: 'bybit', name: 'bybit.catalog', data: {} },
    },
    {
      name: 'option-catalog',
      cron: '11 * * * *',
      request: { queue: 'bybit', name: 'bybit.option-catalog', data: {} },
    },
    {
      name: 'top-coins',
      cron: '*/5 * * * *',
      request: { queue: 'coingecko', name: 'coingecko.markets', data: { top: 50 } },
    },
    ...['BTC', 'ETH', 'SOL'].map((underlying) => ({
      name: `chain-${underlying.toLowerCase()}`,
      cron: '* * * * *',
      request: { queue: 'bybit', name: 'bybit.option-chain', data: { underlying } },
    })),
    // The collar plan's cadence; once a collar exists, each chain rewrite also recomputes it.
    ...['BTC', 'ETH', 'SOL'].map((underlying) => ({
      name: `collar-${underlying.toLowerCase()}`,
      cron: '*/5 * * * *',
      request: { queue: 'derive', name: 'derive.collar', data: { exchange: 'bybit', underlying } },
    })),
    {
      name: 'crypto-spot',
      cron: '*/15 * * * * *',
      request: {
        queue: 'bybit',
        name: 'bybit.spot',
        data: { symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'] },
      },
    },
    ...US_UNDERLYINGS.map((underlying) => ({
      name: `instruments-${underlying.toLowerCase()}`,
      cron: '*/15 * * * *',
      request: { queue: 'ibkr', name: 'ibkr.instruments', data: { underlying } },
    })),
    {
      name: 'ibkr-spot',
      cron: '*/30 * * * * *',
      request: { queue: 'ibkr', name: 'ibkr.spot', data: { symbols: US_UNDERLYINGS } },
    },
    ...US_UNDERLYINGS.map((underlying) => ({
      name: `ibkr-chain-${underlying.toLowerCase()}`,
      cron: '* * * * *',
      market: 'us-equities',
      request: { queue: 'ibkr', name: 'ibkr.option-chain', data: { underlying } },
    })),
  ]),
} as const

const EnvSchema = Type.Object({
  ...redisEnv(DEFAULTS.CACHE_REDIS_URL),
  KEY_PREFIX: Prefix(DEFAULTS.KEY_PREFIX),
  QUEUE_PREFIX: Prefix(DEFAULTS.QUEUE_PREFIX),
  LOG_LEVEL: Type.Union(
    LOG_LEVELS.map((level) => Type.Literal(level)),
    { default: DEFAULTS.LOG_LEVEL },
  ),
  ...coingeckoEnv,
  ...bybitEnv,
  ...ibkrEnv,
  DERIVE_CONCURRENCY: Count(DEFAULTS.DERIVE_CONCURRENCY),
  BACKOFF_BASE_MS: Count(DEFAULTS.BACKOFF_BASE_MS),
  BACKOFF_MAX_MS: Count(DEFAULTS.BACKOFF_MAX_MS),
  JOB_LOCK_MS: Count(DEFAULTS.JOB_LOCK_MS),
  STALLED_CHECK_MS: Count(DEFAULTS.STALLED_CHECK_MS),
  WARM_SCHEDULES: Type.String({ default: DEFAULTS.WARM_SCHEDULES }),
  WORKER_METRICS_HOST: Type.String({ minLength: 1, default: DEFAULTS.WORKER_METRICS_HOST }),
  /** 0 picks a free port (tests); `off` serves neither /metrics nor /health. */
  WORKER_METRICS_PORT: Type.Union(
    [Type.Integer({ minimum: 0, maximum: 65_535 }), Type.Literal('off')],
    { default: DEFAULTS.WORKER_METRICS_PORT },
  ),
  ...freshnessEnv(),
})
type Env = Static<typeof EnvSchema> & Record<string, unknown>

export interface WorkerConfig extends RedisConnections {
  readonly keyPrefix: string
  /** BullMQ's prefix, with a hash tag on a cluster (`queuePrefixFor`). */
  readonly queuePrefix: string
  readonly logLevel: LogLevel
  readonly coingecko: CoinGeckoConfig
  /** @defaultValue the simulator; 20 calls/s; 10 s timeout; concurrency 4 */
  readonly bybit: BybitConfig
  /** @defaultValue the simulator's Client Portal; 10 calls/s; 10 s timeout; 16 jobs in flight */
  readonly ibkr: IbkrConfig
  /** @defaultValue concurrency 4 */
  readonly derive: { readonly concurrency: number }
  /** Retry delays for transient provider failures (full jitter, capped). */
  readonly backoff: { readonly baseMs: number; readonly maxMs: number }
  /** Jobs of a worker that died go back to the queue about `lockMs` + `stalledCheckMs` later. */
  readonly locks: { readonly lockMs: number; readonly stalledCheckMs: number }
  readonly warmSchedules: readonly WarmSchedule[]
  /** Per-dataset policy after `<DATASET>_*_S` overrides, in milliseconds. */
  readonly freshness: FreshnessConfig
  /**
   * The listener for `/metrics` and `/health`; `port` null when turned off.
   * @defaultValue 127.0.0.1:9464
   */
  readonly metrics: { readonly host: string; readonly port: number | null }
}

/**
 * Reads and validates the worker's environment. The only module that touches process.env; throws
 * a ConfigError that names each bad variable.
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): WorkerConfig {
  const parsed = parseEnv(EnvSchema, env) as Env
  if (parsed.BACKOFF_MAX_MS < parsed.BACKOFF_BASE_MS) {
    throw new ConfigError(
      `invalid configuration:\n  BACKOFF_MAX_MS=${parsed.BACKOFF_MAX_MS}: must be >= BACKOFF_BASE_MS (${parsed.BACKOFF_BASE_MS})`,
    )
  }
  const redis = redisConnectionsFrom(parsed)
  const config: WorkerConfig = {
    ...redis,
    keyPrefix: parsed.KEY_PREFIX,
    queuePrefix: queuePrefixFor(parsed.QUEUE_PREFIX, redis.queueRedisCluster),
    logLevel: parsed.LOG_LEVEL as LogLevel,
    coingecko: coingeckoConfigFrom(parsed),
    bybit: bybitConfigFrom(parsed),
    ibkr: ibkrConfigFrom(parsed),
    derive: { concurrency: parsed.DERIVE_CONCURRENCY },
    backoff: { baseMs: parsed.BACKOFF_BASE_MS, maxMs: parsed.BACKOFF_MAX_MS },
    locks: { lockMs: parsed.JOB_LOCK_MS, stalledCheckMs: parsed.STALLED_CHECK_MS },
    warmSchedules: parseWarmSchedules(parsed.WARM_SCHEDULES, 'WARM_SCHEDULES'),
    freshness: freshnessFrom(parsed),
    metrics: {
      host: parsed.WORKER_METRICS_HOST,
      port: parsed.WORKER_METRICS_PORT === 'off' ? null : parsed.WORKER_METRICS_PORT,
    },
  }
  return deepFreeze(config)
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child)
    Object.freeze(value)
  }
  return value
}
