import { ConfigError, parseEnv } from '@marketcache/shared/env'
import type { FreshnessPolicy } from '@marketcache/shared/freshness'
import { type DatasetName, datasetNames, datasets } from '@marketcache/shared/registry'
import { type Static, type TSchema, Type } from '@sinclair/typebox'
import { parseWarmSchedules, type WarmSchedule } from './warm-schedule'

/**
 * Every default in one place. Provider limits follow CoinGecko's demo plan; the upstream is the
 * local simulator, so `pnpm start` works without keys or network.
 */
const DEFAULTS = {
  CACHE_REDIS_URL: 'redis://127.0.0.1:6379',
  KEY_PREFIX: 'mc',
  QUEUE_PREFIX: 'mcq',
  LOG_LEVEL: 'info',
  COINGECKO_BASE_URL: 'http://127.0.0.1:4010/api/v3',
  /** Decides the key header: `x-cg-demo-api-key` or `x-cg-pro-api-key`. */
  COINGECKO_PLAN: 'demo',
  /** Older docs and third parties say 30 calls/min for the demo plan; newer docs say 100. */
  COINGECKO_RATE_MAX: 30,
  COINGECKO_RATE_DURATION_MS: 60_000,
  COINGECKO_TIMEOUT_MS: 10_000,
  COINGECKO_CONCURRENCY: 4,
  /** The simulator speaks Bybit V5 at its root; production: https://api.bybit.com. */
  BYBIT_BASE_URL: 'http://127.0.0.1:4010',
  /** Public market endpoints allow 600 requests per 5 s per IP; stay well inside it. */
  BYBIT_RATE_MAX: 20,
  BYBIT_RATE_DURATION_MS: 1_000,
  BYBIT_TIMEOUT_MS: 10_000,
  BYBIT_CONCURRENCY: 4,
  /** After an IP ban (HTTP 403) the whole queue pauses this long; Bybit says "at least 10 min". */
  BYBIT_BAN_PAUSE_MS: 600_000,
  /** A Client Portal gateway (https://localhost:5000/v1/api in production). */
  IBKR_BASE_URL: 'http://127.0.0.1:4010/v1/api',
  /** The gateway paces at 10 requests per second. */
  IBKR_RATE_MAX: 10,
  IBKR_RATE_DURATION_MS: 1_000,
  IBKR_TIMEOUT_MS: 10_000,
  IBKR_CONCURRENCY: 2,
  /** After a 429 without Retry-After (pacing / penalty box), send nothing for this long. */
  IBKR_PACING_PAUSE_MS: 1_000,
  /**
   * Accept the gateway's self-signed certificate (the CP gateway serves https://localhost:5000
   * with one). Only for a gateway on a trusted host or network.
   */
  IBKR_TLS_INSECURE: false,
  /** Option months qualified per underlying, nearest first. */
  IBKR_CHAIN_MONTHS: 2,
  /** Strikes qualified per month: the ones nearest to spot. */
  IBKR_CHAIN_STRIKES: 20,
  /** Analytics computed from cached inputs; no provider limit applies. */
  DERIVE_CONCURRENCY: 4,
  /** First retry waits up to this long (full jitter), doubling per attempt. */
  BACKOFF_BASE_MS: 1_000,
  BACKOFF_MAX_MS: 60_000,
  /** Keeps the top 50 coins warm; `[]` disables warm-ups. */
  WARM_SCHEDULES: JSON.stringify([
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
    {
      name: 'crypto-spot',
      cron: '*/15 * * * * *',
      request: {
        queue: 'bybit',
        name: 'bybit.spot',
        data: { symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'] },
      },
    },
    ...['SPY', 'QQQ', 'AAPL', 'MSFT', 'TSLA'].map((underlying) => ({
      name: `instruments-${underlying.toLowerCase()}`,
      cron: '*/15 * * * *',
      request: { queue: 'ibkr', name: 'ibkr.instruments', data: { underlying } },
    })),
  ]),
} as const

const RedisUrl = (defaultValue?: string) =>
  Type.String({ pattern: '^rediss?://', ...(defaultValue ? { default: defaultValue } : {}) })
const Count = (defaultValue: number) => Type.Integer({ minimum: 1, default: defaultValue })
/** A key or queue prefix; may carry a Redis Cluster hash tag such as `{mc}`. */
const Prefix = (defaultValue: string) =>
  Type.String({ pattern: '^(\\{[A-Za-z0-9._-]+\\}|[A-Za-z0-9._-]+)$', default: defaultValue })

const FRESHNESS_FIELDS = {
  FRESH_S: 'freshMs',
  STALE_S: 'staleMs',
  ERROR_S: 'errorMs',
  NEGATIVE_S: 'negativeMs',
} as const satisfies Record<string, keyof FreshnessPolicy>

/** `option-chain` + `FRESH_S` → `OPTION_CHAIN_FRESH_S`. */
export function freshnessVariable(dataset: string, suffix: keyof typeof FRESHNESS_FIELDS): string {
  return `${dataset.toUpperCase().replaceAll('-', '_')}_${suffix}`
}

/** `<DATASET>_FRESH_S` etc. for every registered dataset, defaulting to its own policy. */
function freshnessSchema(): Record<string, TSchema> {
  const properties: Record<string, TSchema> = {}
  for (const name of datasetNames) {
    const policy = datasets[name].freshness
    for (const [suffix, field] of Object.entries(FRESHNESS_FIELDS)) {
      // A zero fresh or negative TTL would write entries that expire at once.
      const positive = field === 'freshMs' || field === 'negativeMs'
      properties[freshnessVariable(name, suffix as keyof typeof FRESHNESS_FIELDS)] = Type.Number({
        ...(positive ? { exclusiveMinimum: 0 } : { minimum: 0 }),
        default: policy[field] / 1000,
      })
    }
  }
  return properties
}

const EnvSchema = Type.Object({
  CACHE_REDIS_URL: RedisUrl(DEFAULTS.CACHE_REDIS_URL),
  /** Defaults to CACHE_REDIS_URL; production puts queues on a `noeviction` server. */
  QUEUE_REDIS_URL: Type.Optional(RedisUrl()),
  KEY_PREFIX: Prefix(DEFAULTS.KEY_PREFIX),
  QUEUE_PREFIX: Prefix(DEFAULTS.QUEUE_PREFIX),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) =>
      Type.Literal(level),
    ),
    { default: DEFAULTS.LOG_LEVEL },
  ),
  COINGECKO_BASE_URL: Type.String({ pattern: '^https?://', default: DEFAULTS.COINGECKO_BASE_URL }),
  COINGECKO_API_KEY: Type.Optional(Type.String({ minLength: 1 })),
  COINGECKO_PLAN: Type.Union([Type.Literal('demo'), Type.Literal('pro')], {
    default: DEFAULTS.COINGECKO_PLAN,
  }),
  COINGECKO_RATE_MAX: Count(DEFAULTS.COINGECKO_RATE_MAX),
  COINGECKO_RATE_DURATION_MS: Count(DEFAULTS.COINGECKO_RATE_DURATION_MS),
  COINGECKO_TIMEOUT_MS: Count(DEFAULTS.COINGECKO_TIMEOUT_MS),
  COINGECKO_CONCURRENCY: Count(DEFAULTS.COINGECKO_CONCURRENCY),
  BYBIT_BASE_URL: Type.String({ pattern: '^https?://', default: DEFAULTS.BYBIT_BASE_URL }),
  BYBIT_RATE_MAX: Count(DEFAULTS.BYBIT_RATE_MAX),
  BYBIT_RATE_DURATION_MS: Count(DEFAULTS.BYBIT_RATE_DURATION_MS),
  BYBIT_TIMEOUT_MS: Count(DEFAULTS.BYBIT_TIMEOUT_MS),
  BYBIT_CONCURRENCY: Count(DEFAULTS.BYBIT_CONCURRENCY),
  BYBIT_BAN_PAUSE_MS: Count(DEFAULTS.BYBIT_BAN_PAUSE_MS),
  IBKR_BASE_URL: Type.String({ pattern: '^https?://', default: DEFAULTS.IBKR_BASE_URL }),
  IBKR_RATE_MAX: Count(DEFAULTS.IBKR_RATE_MAX),
  IBKR_RATE_DURATION_MS: Count(DEFAULTS.IBKR_RATE_DURATION_MS),
  IBKR_TIMEOUT_MS: Count(DEFAULTS.IBKR_TIMEOUT_MS),
  IBKR_CONCURRENCY: Count(DEFAULTS.IBKR_CONCURRENCY),
  IBKR_PACING_PAUSE_MS: Count(DEFAULTS.IBKR_PACING_PAUSE_MS),
  IBKR_TLS_INSECURE: Type.Boolean({ default: DEFAULTS.IBKR_TLS_INSECURE }),
  IBKR_CHAIN_MONTHS: Count(DEFAULTS.IBKR_CHAIN_MONTHS),
  IBKR_CHAIN_STRIKES: Count(DEFAULTS.IBKR_CHAIN_STRIKES),
  DERIVE_CONCURRENCY: Count(DEFAULTS.DERIVE_CONCURRENCY),
  BACKOFF_BASE_MS: Count(DEFAULTS.BACKOFF_BASE_MS),
  BACKOFF_MAX_MS: Count(DEFAULTS.BACKOFF_MAX_MS),
  WARM_SCHEDULES: Type.String({ default: DEFAULTS.WARM_SCHEDULES }),
  ...freshnessSchema(),
})
type Env = Static<typeof EnvSchema> & Record<string, unknown>

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'

/** What one provider queue needs: where the provider is and how hard it may be called. */
export interface CoinGeckoConfig {
  /** @defaultValue `http://127.0.0.1:4010/api/v3` (the simulator) */
  readonly baseUrl: string
  /** Sent as a header; redacted from logs. */
  readonly apiKey?: string
  /** @defaultValue `demo` */
  readonly plan: 'demo' | 'pro'
  /**
   * BullMQ limiter for the queue, shared by every replica: `max` jobs per `duration` ms.
   * @defaultValue 30 per 60 000 ms
   */
  readonly limiter: { readonly max: number; readonly duration: number }
  /** Whole request, connect to last body byte. @defaultValue 10 000 */
  readonly timeoutMs: number
  /** Jobs one replica runs at once on this queue. @defaultValue 4 */
  readonly concurrency: number
}

/** Where an HTTP provider is and how hard it may be called. */
export interface ProviderHttpConfig {
  readonly baseUrl: string
  /** BullMQ limiter for the queue, shared by every replica: `max` jobs per `duration` ms. */
  readonly limiter: { readonly max: number; readonly duration: number }
  readonly timeoutMs: number
  /** Jobs one replica runs at once on this queue. */
  readonly concurrency: number
}

/** The Client Portal gateway: HTTP settings plus pacing, TLS and how much to qualify. */
export interface IbkrConfig extends ProviderHttpConfig {
  /** Pause after a 429 that carries no Retry-After. @defaultValue 1000 */
  readonly pacingPauseMs: number
  /** Accept a self-signed gateway certificate (`IBKR_TLS_INSECURE`). @defaultValue false */
  readonly tlsInsecure: boolean
  /** Contract qualification per underlying. @defaultValue 2 months, 20 strikes nearest spot */
  readonly chain: { readonly months: number; readonly strikes: number }
}

export interface WorkerConfig {
  readonly cacheRedisUrl: string
  /** @defaultValue cacheRedisUrl */
  readonly queueRedisUrl: string
  readonly keyPrefix: string
  readonly queuePrefix: string
  readonly logLevel: LogLevel
  readonly coingecko: CoinGeckoConfig
  /** @defaultValue the simulator; 20 calls/s; 10 s timeout; concurrency 4 */
  readonly bybit: ProviderHttpConfig & {
    /** How long the queue pauses after an IP ban (HTTP 403). @defaultValue 600 000 */
    readonly banPauseMs: number
  }
  /** @defaultValue the simulator's Client Portal; 10 calls/s; 10 s timeout; concurrency 2 */
  readonly ibkr: IbkrConfig
  /** @defaultValue concurrency 4 */
  readonly derive: { readonly concurrency: number }
  /** Retry delays for transient provider failures (full jitter, capped). */
  readonly backoff: { readonly baseMs: number; readonly maxMs: number }
  readonly warmSchedules: readonly WarmSchedule[]
  /** Per-dataset policy after `<DATASET>_*_S` overrides, in milliseconds. */
  readonly freshness: Readonly<Record<DatasetName, Readonly<FreshnessPolicy>>>
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
  const config: WorkerConfig = {
    cacheRedisUrl: parsed.CACHE_REDIS_URL,
    queueRedisUrl: parsed.QUEUE_REDIS_URL ?? parsed.CACHE_REDIS_URL,
    keyPrefix: parsed.KEY_PREFIX,
    queuePrefix: parsed.QUEUE_PREFIX,
    logLevel: parsed.LOG_LEVEL as LogLevel,
    coingecko: {
      baseUrl: parsed.COINGECKO_BASE_URL.replace(/\/+$/, ''),
      ...(parsed.COINGECKO_API_KEY ? { apiKey: parsed.COINGECKO_API_KEY } : {}),
      plan: parsed.COINGECKO_PLAN,
      limiter: { max: parsed.COINGECKO_RATE_MAX, duration: parsed.COINGECKO_RATE_DURATION_MS },
      timeoutMs: parsed.COINGECKO_TIMEOUT_MS,
      concurrency: parsed.COINGECKO_CONCURRENCY,
    },
    bybit: {
      baseUrl: parsed.BYBIT_BASE_URL.replace(/\/+$/, ''),
      limiter: { max: parsed.BYBIT_RATE_MAX, duration: parsed.BYBIT_RATE_DURATION_MS },
      timeoutMs: parsed.BYBIT_TIMEOUT_MS,
      concurrency: parsed.BYBIT_CONCURRENCY,
      banPauseMs: parsed.BYBIT_BAN_PAUSE_MS,
    },
    ibkr: {
      baseUrl: parsed.IBKR_BASE_URL.replace(/\/+$/, ''),
      limiter: { max: parsed.IBKR_RATE_MAX, duration: parsed.IBKR_RATE_DURATION_MS },
      timeoutMs: parsed.IBKR_TIMEOUT_MS,
      concurrency: parsed.IBKR_CONCURRENCY,
      pacingPauseMs: parsed.IBKR_PACING_PAUSE_MS,
      tlsInsecure: parsed.IBKR_TLS_INSECURE,
      chain: { months: parsed.IBKR_CHAIN_MONTHS, strikes: parsed.IBKR_CHAIN_STRIKES },
    },
    derive: { concurrency: parsed.DERIVE_CONCURRENCY },
    backoff: { baseMs: parsed.BACKOFF_BASE_MS, maxMs: parsed.BACKOFF_MAX_MS },
    warmSchedules: parseWarmSchedules(parsed.WARM_SCHEDULES, 'WARM_SCHEDULES'),
    freshness: freshnessFrom(parsed),
  }
  return deepFreeze(config)
}

function freshnessFrom(parsed: Env): Record<DatasetName, FreshnessPolicy> {
  const seconds = (name: string, suffix: keyof typeof FRESHNESS_FIELDS) =>
    Math.round(Number(parsed[freshnessVariable(name, suffix)]) * 1000)
  return Object.fromEntries(
    datasetNames.map((name) => [
      name,
      {
        freshMs: seconds(name, 'FRESH_S'),
        staleMs: seconds(name, 'STALE_S'),
        errorMs: seconds(name, 'ERROR_S'),
        negativeMs: seconds(name, 'NEGATIVE_S'),
      },
    ]),
  ) as Record<DatasetName, FreshnessPolicy>
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child)
    Object.freeze(value)
  }
  return value
}
