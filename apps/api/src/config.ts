import { collar } from '@marketcache/shared/datasets/collar'
import { ConfigError, parseEnv } from '@marketcache/shared/env'
import { queuePrefixFor } from '@marketcache/shared/keys'
import {
  type RedisConnections,
  redisConnectionsFrom,
  redisEnv,
} from '@marketcache/shared/redis-env'
import { type Static, Type } from '@sinclair/typebox'
import { type ApiKey, parseApiKeys } from './api-keys'
import { parseTrustProxy, type TrustProxy } from './client-address'
import { logLevelSchema } from './logger'
import { missBacklogEnv, type QueueLimits, queueLimitsFrom } from './miss-backlog'
import { type StreamLimits, streamEnv, streamLimitsFrom } from './stream-limits'

/** Every default in one place; each line says why it is what it is. */
const DEFAULTS = {
  /** A local Redis, as `pnpm start` and the tests find it. */
  CACHE_REDIS_URL: 'redis://127.0.0.1:6379',
  /** Same as the cache prefix that the worker writes under. */
  KEY_PREFIX: 'mc',
  /** Separate from KEY_PREFIX so cache scans never walk BullMQ's keys. */
  QUEUE_PREFIX: 'mcq',
  /** Loopback: exposing the API is a deliberate choice (0.0.0.0 in the container). */
  API_HOST: '127.0.0.1',
  API_PORT: 3000,
  /** The OpenAPI `servers` URL; relative, so it names whichever host (or proxy) served it. */
  API_PUBLIC_URL: '/',
  /** No keys means no command is accepted; reads stay open. */
  API_KEYS: '',
  /** A CoinGecko round trip through the worker usually lands well inside 2 s. */
  READ_WAIT_MS: 2000,
  /** Caps `?wait=` so a client cannot park a request (and a socket) for long. */
  READ_WAIT_MAX_MS: 10_000,
  /** Refresh hits past 80 % of their fresh window, so popular keys rarely go stale. */
  REFRESH_AHEAD_RATIO: 0.8,
  /** After a failed refresh, reads wait this long before asking again (the worker backs off). */
  ERROR_RETRY_MS: 30_000,
  /** Provider calls retried with backoff before `lastError` is recorded. */
  JOB_ATTEMPTS: 4,
  /** A hit takes about a millisecond; anything near this bound means Redis is in trouble. */
  REDIS_COMMAND_TIMEOUT_MS: 500,
  /** The in-process layer's budget (64 MiB); 0 turns it off. */
  L1_MAX_BYTES: 64 * 1024 * 1024,
  /** Longest an L1 copy is served without a Redis read, whatever the events say. */
  L1_MAX_AGE_MS: 60_000,
  /**
   * The collar dataset's own `staleWhen.movedBy` (0.05), as a percentage: a fresh collar set is
   * served STALE and recomputed once the spot has moved further than this from its basis.
   */
  COLLAR_SPOT_MOVE_PCT: collar.staleWhen!.movedBy * 100,
  /** Per client (API key, else IP) and window: far above a dashboard's polling, so only floods hit it. */
  RATE_LIMIT_MAX: 1000,
  /** Misses and `fresh=true` spend provider quota: two a second per client, over the window. */
  RATE_LIMIT_COSTLY_MAX: 120,
  /** One minute: long enough to absorb bursts, short enough that a refused client soon recovers. */
  RATE_LIMIT_WINDOW_MS: 60_000,
  /** `fresh=true` spends provider quota on demand, so only keys with the write scope may ask. */
  FRESH_REQUIRES_KEY: true,
  /**
   * Open, like /health: scrapers rarely send credentials and the labels hold no ids or keys.
   * `true` asks for a key with the admin scope (Prometheus `authorization: credentials`).
   */
  METRICS_REQUIRE_KEY: false,
  /** On, behind the admin scope: operators watch and retry jobs there; `false` removes it. */
  QUEUE_BOARD: true,
  LOG_LEVEL: 'info',
  /** One access-log line per this many hits (304s included); every other response is logged. */
  ACCESS_LOG_HIT_SAMPLE: 100,
  /** No proxy is trusted: X-Forwarded-For is ignored unless the deployment says who sets it. */
  TRUST_PROXY: 'false',
} as const

const Prefix = (fallback: string) =>
  Type.String({ pattern: '^(\\{[A-Za-z0-9._-]+\\}|[A-Za-z0-9._-]+)$', default: fallback })

const EnvSchema = Type.Object({
  ...redisEnv(DEFAULTS.CACHE_REDIS_URL),
  KEY_PREFIX: Prefix(DEFAULTS.KEY_PREFIX),
  QUEUE_PREFIX: Prefix(DEFAULTS.QUEUE_PREFIX),
  API_HOST: Type.String({ minLength: 1, default: DEFAULTS.API_HOST }),
  API_PORT: Type.Integer({ minimum: 0, maximum: 65_535, default: DEFAULTS.API_PORT }),
  // `/`, a path or an http(s) URL, without a trailing slash: paths are appended to it.
  API_PUBLIC_URL: Type.String({
    pattern: '^(/|(https?://[^/\\s]+)?(/[^\\s]*[^/\\s])?)$',
    minLength: 1,
    default: DEFAULTS.API_PUBLIC_URL,
  }),
  API_KEYS: Type.String({ default: DEFAULTS.API_KEYS }),
  READ_WAIT_MS: Type.Integer({ minimum: 0, default: DEFAULTS.READ_WAIT_MS }),
  L1_MAX_BYTES: Type.Integer({ minimum: 0, default: DEFAULTS.L1_MAX_BYTES }),
  L1_MAX_AGE_MS: Type.Integer({ minimum: 1, default: DEFAULTS.L1_MAX_AGE_MS }),
  READ_WAIT_MAX_MS: Type.Integer({
    minimum: 0,
    maximum: 60_000,
    default: DEFAULTS.READ_WAIT_MAX_MS,
  }),
  REFRESH_AHEAD_RATIO: Type.Number({
    minimum: 0,
    maximum: 1,
    default: DEFAULTS.REFRESH_AHEAD_RATIO,
  }),
  ERROR_RETRY_MS: Type.Integer({ minimum: 0, default: DEFAULTS.ERROR_RETRY_MS }),
  JOB_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 20, default: DEFAULTS.JOB_ATTEMPTS }),
  REDIS_COMMAND_TIMEOUT_MS: Type.Integer({
    minimum: 10,
    maximum: 10_000,
    default: DEFAULTS.REDIS_COMMAND_TIMEOUT_MS,
  }),
  COLLAR_SPOT_MOVE_PCT: Type.Number({
    exclusiveMinimum: 0,
    maximum: 100,
    default: DEFAULTS.COLLAR_SPOT_MOVE_PCT,
  }),
  RATE_LIMIT_MAX: Type.Integer({ minimum: 1, default: DEFAULTS.RATE_LIMIT_MAX }),
  RATE_LIMIT_COSTLY_MAX: Type.Integer({ minimum: 1, default: DEFAULTS.RATE_LIMIT_COSTLY_MAX }),
  RATE_LIMIT_WINDOW_MS: Type.Integer({
    minimum: 1000,
    maximum: 3_600_000,
    default: DEFAULTS.RATE_LIMIT_WINDOW_MS,
  }),
  FRESH_REQUIRES_KEY: Type.Boolean({ default: DEFAULTS.FRESH_REQUIRES_KEY }),
  METRICS_REQUIRE_KEY: Type.Boolean({ default: DEFAULTS.METRICS_REQUIRE_KEY }),
  QUEUE_BOARD: Type.Boolean({ default: DEFAULTS.QUEUE_BOARD }),
  LOG_LEVEL: logLevelSchema(DEFAULTS.LOG_LEVEL),
  ACCESS_LOG_HIT_SAMPLE: Type.Integer({ minimum: 0, default: DEFAULTS.ACCESS_LOG_HIT_SAMPLE }),
  TRUST_PROXY: Type.String({ default: DEFAULTS.TRUST_PROXY }),
  ...missBacklogEnv,
  ...streamEnv,
})

/** The API's settings; queue rates and backlogs are `QueueLimits`, stream bounds `StreamLimits`. */
export interface ApiConfig extends QueueLimits, StreamLimits, RedisConnections {
  readonly keyPrefix: string
  /** BullMQ's prefix, with a hash tag on a cluster (`queuePrefixFor`). */
  readonly queuePrefix: string
  readonly host: string
  readonly port: number
  /** Where clients reach the API, as published in the OpenAPI `servers`. @defaultValue `/` */
  readonly publicUrl: string
  readonly apiKeys: readonly ApiKey[]
  /** Default `?wait=` for misses. */
  readonly readWaitMs: number
  readonly readWaitMaxMs: number
  readonly refreshAheadRatio: number
  readonly errorRetryMs: number
  readonly jobAttempts: number
  readonly redisCommandTimeoutMs: number
  /** The in-process cache in front of Redis (`l1.ts`); `maxBytes` 0 turns it off. */
  readonly l1: { readonly maxBytes: number; readonly maxAgeMs: number }
  /**
   * Per dataset with a `staleWhen` input: the relative move (0.05 = 5 %) of the input past which a
   * fresh entry is served STALE. A dataset not listed uses its own `staleWhen.movedBy`.
   */
  readonly inputMoveLimits: Readonly<Record<string, number>>
  /** Per-client budgets (API key, else IP) per window, shared by every replica through Redis. */
  readonly rateLimit: {
    /** Any request but the operational routes (health, docs). */
    readonly max: number
    /** Requests that can spend provider quota: a miss, `fresh=true`. */
    readonly costlyMax: number
    readonly windowMs: number
  }
  /** `fresh=true` needs an API key with the write scope. */
  readonly freshRequiresKey: boolean
  /** `GET /metrics` needs an API key with the admin scope. @defaultValue false */
  readonly metricsRequireKey: boolean
  /** The BullMQ board at `/admin/queues` (admin scope). @defaultValue true */
  readonly queueBoard: boolean
  readonly logLevel: Static<typeof EnvSchema>['LOG_LEVEL']
  /** Hits logged one in this many (0: none); other responses always. @defaultValue 100 */
  readonly accessLogHitSample: number
  /** Who may name the client in X-Forwarded-For (rate limits, logs). @defaultValue none */
  readonly trustProxy: TrustProxy
}

/** The API's only reader of the environment. Throws a ConfigError naming each bad variable. */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): ApiConfig {
  const vars = parseEnv(EnvSchema, env)
  if (vars.READ_WAIT_MS > vars.READ_WAIT_MAX_MS) {
    throw new ConfigError(
      `invalid configuration:\n  READ_WAIT_MS=${vars.READ_WAIT_MS}: must not exceed READ_WAIT_MAX_MS (${vars.READ_WAIT_MAX_MS})`,
    )
  }
  if (vars.RATE_LIMIT_COSTLY_MAX > vars.RATE_LIMIT_MAX) {
    throw new ConfigError(
      `invalid configuration:\n  RATE_LIMIT_COSTLY_MAX=${vars.RATE_LIMIT_COSTLY_MAX}: must not exceed RATE_LIMIT_MAX (${vars.RATE_LIMIT_MAX})`,
    )
  }
  const redis = redisConnectionsFrom(vars)
  return Object.freeze({
    ...redis,
    keyPrefix: vars.KEY_PREFIX,
    queuePrefix: queuePrefixFor(vars.QUEUE_PREFIX, redis.queueRedisCluster),
    host: vars.API_HOST,
    port: vars.API_PORT,
    publicUrl: vars.API_PUBLIC_URL,
    apiKeys: Object.freeze(parseApiKeys(vars.API_KEYS)),
    readWaitMs: vars.READ_WAIT_MS,
    readWaitMaxMs: vars.READ_WAIT_MAX_MS,
    refreshAheadRatio: vars.REFRESH_AHEAD_RATIO,
    errorRetryMs: vars.ERROR_RETRY_MS,
    jobAttempts: vars.JOB_ATTEMPTS,
    redisCommandTimeoutMs: vars.REDIS_COMMAND_TIMEOUT_MS,
    l1: Object.freeze({ maxBytes: vars.L1_MAX_BYTES, maxAgeMs: vars.L1_MAX_AGE_MS }),
    inputMoveLimits: Object.freeze({ [collar.name]: vars.COLLAR_SPOT_MOVE_PCT / 100 }),
    rateLimit: Object.freeze({
      max: vars.RATE_LIMIT_MAX,
      costlyMax: vars.RATE_LIMIT_COSTLY_MAX,
      windowMs: vars.RATE_LIMIT_WINDOW_MS,
    }),
    freshRequiresKey: vars.FRESH_REQUIRES_KEY,
    metricsRequireKey: vars.METRICS_REQUIRE_KEY,
    queueBoard: vars.QUEUE_BOARD,
    logLevel: vars.LOG_LEVEL,
    accessLogHitSample: vars.ACCESS_LOG_HIT_SAMPLE,
    trustProxy: parseTrustProxy(vars.TRUST_PROXY),
    ...queueLimitsFrom(vars),
    ...streamLimitsFrom(vars),
  })
}
