import type { BybitSwitches } from './bybit/switches'
import { MAX_UNIVERSE_SIZE, MIN_UNIVERSE_SIZE, UNIVERSE_SIZE } from './coingecko/universe'
import { ConfigError } from './errors'
import { type Faults, MalformedKind } from './faults'
import type { IbkrSwitches } from './ibkr/switches'

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

/** The simulator's settings as read from the environment. */
export interface SimulatorConfig {
  readonly port: number
  readonly host: string
  readonly seed: number
  /** How many coins CoinGecko lists: the real ones, then generated `simcoin-NNN`. */
  readonly coins: number
  readonly latencyMs: number
  readonly quotaPerWindow: number
  readonly quotaWindowMs: number
  readonly tickMs: number
  readonly faults: Readonly<
    Pick<
      Faults,
      'errorRate' | 'malformedRate' | 'malformedKind' | 'slowRate' | 'slowMs' | 'html429'
    >
  >
  /** Bybit limits at start; the forcing switches are run-time only (`POST /__sim/faults`). */
  readonly bybit: Readonly<
    Pick<BybitSwitches, 'rateLimitPerSecond' | 'omitResetHeader' | 'ipLimitPer5s' | 'banMs'>
  >
  readonly ibkr: Readonly<Pick<IbkrSwitches, 'pacingPerSecond' | 'authenticated'>>
  readonly logLevel: LogLevel
}

interface Environment {
  SIM_PORT: number
  SIM_HOST: string
  SIM_SEED: number
  SIM_COINS: number
  SIM_LATENCY_MS: number
  SIM_QUOTA_PER_WINDOW: number
  SIM_QUOTA_WINDOW_MS: number
  SIM_TICK_MS: number
  SIM_ERROR_RATE: number
  SIM_MALFORMED_RATE: number
  SIM_MALFORMED_KIND: MalformedKind
  SIM_SLOW_RATE: number
  SIM_SLOW_MS: number
  SIM_HTML_429: boolean
  SIM_BYBIT_RATE_LIMIT_PER_SECOND: number
  SIM_BYBIT_OMIT_RESET_HEADER: boolean
  SIM_BYBIT_IP_LIMIT_PER_5S: number
  SIM_BYBIT_BAN_MS: number
  SIM_IBKR_PACING_PER_SECOND: number
  SIM_IBKR_AUTHENTICATED: boolean
  LOG_LEVEL: LogLevel
}

/** Used when a variable is unset or empty. */
const DEFAULTS: Readonly<Environment> = Object.freeze({
  SIM_PORT: 4010, // where `pnpm start` and docker-compose point the worker's CoinGecko base URL
  SIM_HOST: '127.0.0.1', // loopback only; the container image sets 0.0.0.0
  SIM_SEED: 42, // same market on every run
  SIM_COINS: UNIVERSE_SIZE, // 27 real coins, then simcoin-001 .. simcoin-273
  SIM_LATENCY_MS: 150, // roughly a real round trip to api.coingecko.com
  SIM_QUOTA_PER_WINDOW: 30, // CoinGecko demo plan: 30 calls per minute; 0 disables the quota
  SIM_QUOTA_WINDOW_MS: 60_000,
  SIM_TICK_MS: 10_000, // prices and last_updated move every 10 s
  SIM_ERROR_RATE: 0, // faults are opt-in
  SIM_MALFORMED_RATE: 0,
  SIM_MALFORMED_KIND: MalformedKind.truncated,
  SIM_SLOW_RATE: 0,
  SIM_SLOW_MS: 3_000, // longer than a typical client timeout
  SIM_HTML_429: false, // JSON 429s unless asked for Cloudflare's HTML page
  SIM_BYBIT_RATE_LIMIT_PER_SECOND: 20, // per endpoint, then retCode 10006; 0 disables
  SIM_BYBIT_OMIT_RESET_HEADER: false, // X-Bapi-Limit-Reset-Timestamp is sent
  SIM_BYBIT_IP_LIMIT_PER_5S: 600, // Bybit's per-IP limit, then a 403 ban; 0 disables
  SIM_BYBIT_BAN_MS: 600_000, // Bybit: "wait at least 10 minutes"
  SIM_IBKR_PACING_PER_SECOND: 10, // the Client Portal gateway's global pacing; 0 disables
  SIM_IBKR_AUTHENTICATED: true, // a live brokerage session
  LOG_LEVEL: 'info',
})

type Parser<T> = (raw: string) => T

const integer =
  (min: number, max = Number.MAX_SAFE_INTEGER): Parser<number> =>
  (raw) => {
    const value = Number(raw)
    if (!/^-?\d+$/.test(raw) || value < min || value > max) {
      throw new Error(`an integer from ${min} to ${max}`)
    }
    return value
  }

const rate: Parser<number> = (raw) => {
  const value = Number(raw)
  if (!/^\d*\.?\d+$/.test(raw) || value > 1) throw new Error('a number from 0 to 1')
  return value
}

const oneOf =
  <T extends string>(values: readonly T[]): Parser<T> =>
  (raw) => {
    if (!(values as readonly string[]).includes(raw)) throw new Error(`one of ${values.join(', ')}`)
    return raw as T
  }

const boolean: Parser<boolean> = (raw) => {
  if (raw === 'true' || raw === '1') return true
  if (raw === 'false' || raw === '0') return false
  throw new Error('true, false, 1 or 0')
}

const text: Parser<string> = (raw) => raw

const PARSERS: { readonly [K in keyof Environment]: Parser<Environment[K]> } = {
  SIM_PORT: integer(1, 65_535),
  SIM_HOST: text,
  SIM_SEED: integer(Number.MIN_SAFE_INTEGER),
  SIM_COINS: integer(MIN_UNIVERSE_SIZE, MAX_UNIVERSE_SIZE),
  SIM_LATENCY_MS: integer(0),
  SIM_QUOTA_PER_WINDOW: integer(0),
  SIM_QUOTA_WINDOW_MS: integer(0),
  SIM_TICK_MS: integer(1),
  SIM_ERROR_RATE: rate,
  SIM_MALFORMED_RATE: rate,
  SIM_MALFORMED_KIND: oneOf(Object.values(MalformedKind)),
  SIM_SLOW_RATE: rate,
  SIM_SLOW_MS: integer(0),
  SIM_HTML_429: boolean,
  SIM_BYBIT_RATE_LIMIT_PER_SECOND: integer(0),
  SIM_BYBIT_OMIT_RESET_HEADER: boolean,
  SIM_BYBIT_IP_LIMIT_PER_5S: integer(0),
  SIM_BYBIT_BAN_MS: integer(0),
  SIM_IBKR_PACING_PER_SECOND: integer(0),
  SIM_IBKR_AUTHENTICATED: boolean,
  LOG_LEVEL: oneOf(LOG_LEVELS),
}

function read<K extends keyof Environment>(env: NodeJS.ProcessEnv, name: K): Environment[K] {
  const raw = env[name]?.trim()
  if (raw === undefined || raw === '') return DEFAULTS[name]
  try {
    return PARSERS[name](raw)
  } catch (error) {
    const expected = error instanceof Error ? error.message : String(error)
    throw new ConfigError(`${name} must be ${expected}, got ${JSON.stringify(raw)}`, {
      cause: error,
    })
  }
}

/**
 * The only place the simulator reads `process.env`. Throws `ConfigError` naming the variable
 * on the first bad value, or on an unknown `SIM_*` variable (most likely a typo).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): SimulatorConfig {
  const unknown = Object.keys(env).filter((name) => name.startsWith('SIM_') && !(name in PARSERS))
  if (unknown.length > 0) {
    throw new ConfigError(
      `unknown variable ${unknown.join(', ')}; known: ${Object.keys(PARSERS).join(', ')}`,
    )
  }
  return Object.freeze({
    port: read(env, 'SIM_PORT'),
    host: read(env, 'SIM_HOST'),
    seed: read(env, 'SIM_SEED'),
    coins: read(env, 'SIM_COINS'),
    latencyMs: read(env, 'SIM_LATENCY_MS'),
    quotaPerWindow: read(env, 'SIM_QUOTA_PER_WINDOW'),
    quotaWindowMs: read(env, 'SIM_QUOTA_WINDOW_MS'),
    tickMs: read(env, 'SIM_TICK_MS'),
    faults: Object.freeze({
      errorRate: read(env, 'SIM_ERROR_RATE'),
      malformedRate: read(env, 'SIM_MALFORMED_RATE'),
      malformedKind: read(env, 'SIM_MALFORMED_KIND'),
      slowRate: read(env, 'SIM_SLOW_RATE'),
      slowMs: read(env, 'SIM_SLOW_MS'),
      html429: read(env, 'SIM_HTML_429'),
    }),
    bybit: Object.freeze({
      rateLimitPerSecond: read(env, 'SIM_BYBIT_RATE_LIMIT_PER_SECOND'),
      omitResetHeader: read(env, 'SIM_BYBIT_OMIT_RESET_HEADER'),
      ipLimitPer5s: read(env, 'SIM_BYBIT_IP_LIMIT_PER_5S'),
      banMs: read(env, 'SIM_BYBIT_BAN_MS'),
    }),
    ibkr: Object.freeze({
      pacingPerSecond: read(env, 'SIM_IBKR_PACING_PER_SECOND'),
      authenticated: read(env, 'SIM_IBKR_AUTHENTICATED'),
    }),
    logLevel: read(env, 'LOG_LEVEL'),
  })
}
