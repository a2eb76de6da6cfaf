import type { AddressInfo } from 'node:net'
import { buildSimulator } from '@marketcache/simulator/app'
import type { ConditionsPatch } from '@marketcache/simulator/conditions'
import type { StatsSnapshot } from '@marketcache/simulator/stats'

/** One IBKR request as the simulator received it. */
export interface GatewayCall {
  at: number
  /** Path below `/v1/api`, with the query. */
  path: string
}

export interface IbkrSimulator {
  /** For IBKR_BASE_URL. */
  gatewayUrl: string
  /** IBKR requests in arrival order, with arrival times. */
  calls: GatewayCall[]
  stats(): Promise<StatsSnapshot>
  /** `POST /__sim/faults`, e.g. `{ibkr: {forced429: 1}}` or `{errorRate: 1}`. */
  faults(patch: ConditionsPatch): Promise<void>
  reset(): Promise<void>
  close(): Promise<void>
}

/** The simulator on a free port, without latency; the gateway's pacing stays on. */
export async function startIbkrSimulator(seed = 7): Promise<IbkrSimulator> {
  const sim = await buildSimulator({ seed, latencyMs: 0, quotaPerWindow: 0 })
  const calls: GatewayCall[] = []
  sim.addHook('onRequest', async (request) => {
    if (request.url.startsWith('/v1/api/')) {
      calls.push({ at: Date.now(), path: request.url.slice('/v1/api'.length) })
    }
  })
  await sim.listen({ port: 0, host: '127.0.0.1' })
  const origin = `http://127.0.0.1:${(sim.server.address() as AddressInfo).port}`
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
    gatewayUrl: `${origin}/v1/api`,
    calls,
    stats: async () => (await control('GET', '/stats')) as StatsSnapshot,
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
