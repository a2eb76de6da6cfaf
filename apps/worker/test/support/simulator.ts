import type { AddressInfo } from 'node:net'
import { simulatedProviderUrls } from '@marketcache/devkit/simulated-providers'
import { type BybitSwitches, buildSimulator, type Faults } from '@marketcache/simulator/app'
import type { ConditionsPatch } from '@marketcache/simulator/conditions'
import type { StatsSnapshot } from '@marketcache/simulator/stats'

/** What the simulator's `GET /__sim/stats` returns. */
export type SimStats = StatsSnapshot

/** One provider request as the simulator received it. */
export interface SimCall {
  at: number
  /** The whole path with the query: `/api/v3/…` (CoinGecko), `/v5/…` (Bybit), `/v1/api/…` (IBKR). */
  path: string
}

/** Where each provider lives on the simulator: `/api/v3` CoinGecko, the root Bybit, `/v1/api` IBKR. */
const PROVIDER_PATHS = ['/api/v3/', '/v5/', '/v1/api/']

/** Bybit switches that turn the simulated rate limits and IP bans off, for `startSimulator`. */
export const NO_BYBIT_LIMITS = { rateLimitPerSecond: 0, ipLimitPer5s: 0 } as const

export interface RunningSimulator {
  /** CoinGecko base URL, for COINGECKO_BASE_URL; Bybit and IBKR are on the same origin. */
  baseUrl: string
  /** `http://127.0.0.1:<port>`: every provider's URL, from devkit's `simulatedProviderUrls`. */
  origin: string
  /** Provider requests in arrival order, with arrival times. */
  calls: SimCall[]
  stats(): Promise<SimStats>
  /** Faults, latency or quota, changed while running. */
  faults(patch: ConditionsPatch): Promise<void>
  reset(): Promise<void>
  close(): Promise<void>
}

/**
 * The simulator on a free port, without latency or quota unless a test asks for them; Bybit's
 * limits and the IBKR gateway's pacing stay on unless switched off.
 */
export async function startSimulator(
  options: {
    faults?: Partial<Faults>
    latencyMs?: number
    seed?: number
    /** Bybit limits, e.g. `{ rateLimitPerSecond: 0, ipLimitPer5s: 0 }` to switch them off. */
    bybit?: Partial<BybitSwitches>
  } = {},
): Promise<RunningSimulator> {
  const sim = await buildSimulator({
    seed: options.seed ?? 7,
    latencyMs: options.latencyMs ?? 0,
    quotaPerWindow: 0,
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.bybit ? { bybit: options.bybit } : {}),
  })
  const calls: SimCall[] = []
  sim.addHook('onRequest', async (request) => {
    if (PROVIDER_PATHS.some((prefix) => request.url.startsWith(prefix))) {
      calls.push({ at: Date.now(), path: request.url })
    }
  })
  await sim.listen({ port: 0, host: '127.0.0.1' })
  const { port } = sim.server.address() as AddressInfo
  const origin = `http://127.0.0.1:${port}`
  const control = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    const response = await fetch(`${origin}/__sim${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    })
    if (!response.ok) {
      throw new Error(`simulator ${path} answered ${response.status}: ${await response.text()}`)
    }
    return response.status === 204 ? null : ((await response.json()) as unknown)
  }
  return {
    baseUrl: simulatedProviderUrls(origin).COINGECKO_BASE_URL,
    origin,
    calls,
    stats: async () => (await control('GET', '/stats')) as SimStats,
    faults: async (patch) => {
      await control('POST', '/faults', patch)
    },
    reset: async () => {
      calls.length = 0
      await control('POST', '/reset')
    },
    close: () => sim.close(),
  }
}
