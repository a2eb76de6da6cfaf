import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { coingeckoFailures } from './coingecko/failures'
import { Market } from './coingecko/market'
import { COINGECKO_ENDPOINTS, coingeckoRoutes } from './coingecko/routes'
import { type Conditions, ConditionsState, parseConditionsPatch } from './conditions'
import { controlRoutes } from './control'
import { SettingError } from './errors'
import { DEFAULT_FAULTS, FaultDice, type Faults } from './faults'
import { ProviderGate } from './gate'
import { QuotaWindow } from './quota'
import { CallStats } from './stats'

export type { Faults } from './faults'

export interface SimulatorOptions {
  /** Seeds the universe, price paths and fault rolls. @defaultValue 42 */
  seed?: number
  /** Added to every provider response. @defaultValue 150 */
  latencyMs?: number
  /** Calls allowed per quota window; 0 disables the quota. @defaultValue 30 */
  quotaPerWindow?: number
  /** @defaultValue 60_000 */
  quotaWindowMs?: number
  /** How often prices move (and last_updated advances). @defaultValue 10_000 */
  tickMs?: number
  /** Injectable clock for tests. @defaultValue Date.now */
  now?: () => number
  /** Faults at start; `POST /__sim/reset` returns to these. @defaultValue no faults */
  faults?: Partial<Faults>
  /** Passed to fastify. @defaultValue false */
  logger?: boolean | object
}

// CoinGecko's demo plan: 30 calls a minute, ~150 ms away.
const DEFAULT_LIMITS = { latencyMs: 150, quotaPerWindow: 30, quotaWindowMs: 60_000 } as const
const DEFAULT_SEED = 42
const DEFAULT_TICK_MS = 10_000

/**
 * A local market speaking CoinGecko v3 under `/api/v3`, plus `/__sim/*` control routes.
 * Does not listen; `server.ts` does. Throws `SettingError` for out-of-range options.
 */
export async function buildSimulator(opts: SimulatorOptions = {}): Promise<FastifyInstance> {
  const seed = opts.seed ?? DEFAULT_SEED
  const tickMs = opts.tickMs ?? DEFAULT_TICK_MS
  if (!Number.isSafeInteger(seed)) throw new SettingError(`seed must be an integer, got ${seed}`)
  if (!Number.isSafeInteger(tickMs) || tickMs < 1) {
    throw new SettingError(`tickMs must be an integer >= 1, got ${tickMs}`)
  }
  const now = opts.now ?? Date.now
  const start: Conditions = {
    ...DEFAULT_FAULTS,
    ...DEFAULT_LIMITS,
    ...parseConditionsPatch({
      ...opts.faults,
      latencyMs: opts.latencyMs,
      quotaPerWindow: opts.quotaPerWindow,
      quotaWindowMs: opts.quotaWindowMs,
    }),
  }

  const conditions = new ConditionsState(start)
  const stats = new CallStats(Object.values(COINGECKO_ENDPOINTS))
  const dice = new FaultDice(seed)
  const coingeckoGate = new ProviderGate({
    conditions,
    stats,
    dice,
    now,
    quota: new QuotaWindow(() => conditions.current),
    failures: coingeckoFailures,
  })
  const reset = () => {
    stats.reset()
    conditions.reset()
    dice.reset()
    coingeckoGate.reset()
  }

  const app = Fastify({ logger: (opts.logger ?? false) as FastifyServerOptions['logger'] })
  await app.register(controlRoutes, { prefix: '/__sim', stats, conditions, reset })
  await app.register(coingeckoRoutes, {
    prefix: '/api/v3',
    gate: coingeckoGate,
    market: new Market(seed, tickMs),
    now,
  })
  return app
}
