import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { bybitFailures } from './bybit/failures'
import { BybitLimiter } from './bybit/limiter'
import { BYBIT_ENDPOINTS, bybitRoutes } from './bybit/routes'
import { SpotMarket } from './bybit/spot-market'
import { type BybitSwitches, DEFAULT_BYBIT_SWITCHES } from './bybit/switches'
import { coingeckoFailures } from './coingecko/failures'
import { CoinGeckoLimiter } from './coingecko/limiter'
import { Market } from './coingecko/market'
import { COINGECKO_ENDPOINTS, coingeckoRoutes } from './coingecko/routes'
import { MAX_UNIVERSE_SIZE, MIN_UNIVERSE_SIZE, UNIVERSE_SIZE } from './coingecko/universe'
import { type Conditions, ConditionsState, parseConditionsPatch } from './conditions'
import { controlRoutes } from './control'
import { SettingError } from './errors'
import { DEFAULT_FAULTS, FaultDice, type Faults } from './faults'
import { ProviderGate, type ProviderGateDeps } from './gate'
import { IbkrCatalog } from './ibkr/catalog'
import { ibkrFailures } from './ibkr/failures'
import { IbkrLimiter } from './ibkr/limiter'
import { IBKR_ENDPOINTS, ibkrRoutes } from './ibkr/routes'
import { SnapshotSubscriptions } from './ibkr/snapshot'
import { DEFAULT_IBKR_SWITCHES, type IbkrSwitches } from './ibkr/switches'
import { EquityMarket } from './market/equities'
import { OptionBoard } from './options/board'
import { UnderlyingPrices } from './options/underlying-prices'
import { QuotaWindow } from './quota'
import { CallStats, Provider } from './stats'

export type { BybitSwitches } from './bybit/switches'
export type { Faults } from './faults'
export type { IbkrSwitches } from './ibkr/switches'

export interface SimulatorOptions {
  /** Seeds the universe, price paths and fault rolls. @defaultValue 42 */
  seed?: number
  /**
   * Coins CoinGecko lists (`/coins/list`, `/coins/markets`, `/coins/{id}`): the real ones, then
   * generated `simcoin-NNN`; Bybit's spot pairs are the top ones. From `MIN_UNIVERSE_SIZE` (50)
   * to `MAX_UNIVERSE_SIZE` (20 000). @defaultValue 300
   */
  coins?: number
  /** Added to every provider response. @defaultValue 150 */
  latencyMs?: number
  /** CoinGecko calls allowed per quota window; 0 disables the quota. @defaultValue 30 */
  quotaPerWindow?: number
  /** @defaultValue 60_000 */
  quotaWindowMs?: number
  /** How often prices move (and last_updated advances). @defaultValue 10_000 */
  tickMs?: number
  /** Injectable clock for tests. @defaultValue Date.now */
  now?: () => number
  /** Faults at start; `POST /__sim/reset` returns to these. @defaultValue no faults */
  faults?: Partial<Faults>
  /** Bybit limits and switches at start. @defaultValue see `DEFAULT_BYBIT_SWITCHES` */
  bybit?: Partial<BybitSwitches>
  /** IBKR pacing and session at start. @defaultValue see `DEFAULT_IBKR_SWITCHES` */
  ibkr?: Partial<IbkrSwitches>
  /** Passed to fastify. @defaultValue false */
  logger?: boolean | object
}

// CoinGecko's demo plan: 30 calls a minute, ~150 ms away.
const DEFAULT_LIMITS = { latencyMs: 150, quotaPerWindow: 30, quotaWindowMs: 60_000 } as const
const DEFAULT_SEED = 42
const DEFAULT_TICK_MS = 10_000

/**
 * A local market speaking CoinGecko v3 under `/api/v3`, Bybit V5 under `/v5/market` and the
 * IBKR Client Portal under `/v1/api`, plus `/__sim/*` control routes. Does not listen;
 * `server.ts` does. Throws `SettingError` for out-of-range options.
 */
/** The conditions a simulator starts in (and returns to on reset): defaults, then `opts`. */
function startingConditions(opts: SimulatorOptions): Conditions {
  const patch = parseConditionsPatch({
    ...opts.faults,
    latencyMs: opts.latencyMs,
    quotaPerWindow: opts.quotaPerWindow,
    quotaWindowMs: opts.quotaWindowMs,
    bybit: opts.bybit,
    ibkr: opts.ibkr,
  })
  return {
    ...DEFAULT_FAULTS,
    ...DEFAULT_LIMITS,
    ...patch,
    bybit: { ...DEFAULT_BYBIT_SWITCHES, ...patch.bybit },
    ibkr: { ...DEFAULT_IBKR_SWITCHES, ...patch.ibkr },
  }
}

type SharedGateDeps = Pick<ProviderGateDeps, 'conditions' | 'stats' | 'dice' | 'now'>

/** One gate per provider: its limiter and its failure shapes, over the shared conditions. */
function providerGates(shared: SharedGateDeps) {
  const { conditions, now } = shared
  const gate = (deps: Omit<ProviderGateDeps, keyof SharedGateDeps>) =>
    new ProviderGate({ ...shared, ...deps })
  return {
    coingecko: gate({
      provider: Provider.coingecko,
      limiter: new CoinGeckoLimiter(conditions, new QuotaWindow(() => conditions.current)),
      failures: coingeckoFailures,
    }),
    bybit: gate({
      provider: Provider.bybit,
      limiter: new BybitLimiter(conditions),
      failures: bybitFailures(now),
    }),
    ibkr: gate({
      provider: Provider.ibkr,
      limiter: new IbkrLimiter(conditions),
      failures: ibkrFailures,
    }),
  }
}

/**
 * A local market speaking CoinGecko v3 under `/api/v3`, Bybit V5 under `/v5/market` and the
 * IBKR Client Portal under `/v1/api`, plus `/__sim/*` control routes. Does not listen;
 * `server.ts` does. Throws `SettingError` for out-of-range options.
 */
export async function buildSimulator(opts: SimulatorOptions = {}): Promise<FastifyInstance> {
  const seed = opts.seed ?? DEFAULT_SEED
  const tickMs = opts.tickMs ?? DEFAULT_TICK_MS
  const coins = opts.coins ?? UNIVERSE_SIZE
  if (!Number.isSafeInteger(seed)) throw new SettingError(`seed must be an integer, got ${seed}`)
  if (!Number.isSafeInteger(tickMs) || tickMs < 1) {
    throw new SettingError(`tickMs must be an integer >= 1, got ${tickMs}`)
  }
  if (!Number.isSafeInteger(coins) || coins < MIN_UNIVERSE_SIZE || coins > MAX_UNIVERSE_SIZE) {
    throw new SettingError(
      `coins must be an integer from ${MIN_UNIVERSE_SIZE} to ${MAX_UNIVERSE_SIZE}, got ${coins}`,
    )
  }
  const now = opts.now ?? Date.now
  const conditions = new ConditionsState(startingConditions(opts))
  const stats = new CallStats([
    ...Object.values(COINGECKO_ENDPOINTS),
    ...Object.values(BYBIT_ENDPOINTS),
    ...Object.values(IBKR_ENDPOINTS),
  ])
  const dice = new FaultDice(seed)
  const gates = providerGates({ conditions, stats, dice, now })

  // One market behind every provider: Bybit's BTC is CoinGecko's bitcoin.
  const market = new Market(seed, tickMs, coins)
  const equities = new EquityMarket(seed, tickMs)
  const board = new OptionBoard(new UnderlyingPrices(seed, market, equities))
  const catalog = new IbkrCatalog(board)
  const subscriptions = new SnapshotSubscriptions()

  const reset = () => {
    stats.reset()
    conditions.reset()
    dice.reset()
    for (const providerGate of Object.values(gates)) providerGate.reset()
    subscriptions.reset()
  }

  const app = Fastify({ logger: (opts.logger ?? false) as FastifyServerOptions['logger'] })
  await app.register(controlRoutes, { prefix: '/__sim', stats, conditions, reset })
  await app.register(coingeckoRoutes, { prefix: '/api/v3', gate: gates.coingecko, market, now })
  await app.register(bybitRoutes, {
    prefix: '/v5/market',
    gate: gates.bybit,
    markets: { board, spot: new SpotMarket(seed, market) },
    now,
  })
  await app.register(ibkrRoutes, {
    prefix: '/v1/api',
    gate: gates.ibkr,
    conditions,
    catalog,
    snapshot: { catalog, equities, subscriptions },
    history: { catalog, equities, seed },
    now,
  })
  return app
}
