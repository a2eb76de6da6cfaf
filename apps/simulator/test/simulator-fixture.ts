import type { FastifyInstance } from 'fastify'
import { afterEach } from 'vitest'
import { buildSimulator, type SimulatorOptions } from '../src/app'

/** A clock tests move by hand; starts mid-tick so "same tick" and "next tick" are unambiguous. */
export interface ManualClock {
  now: () => number
  advance: (ms: number) => void
}

export const TICK_MS = 10_000
export const START_MS = Date.UTC(2025, 0, 15, 12, 0, 3)

export function manualClock(start = START_MS): ManualClock {
  let current = start
  return {
    now: () => current,
    advance: (ms) => {
      current += ms
    },
  }
}

const open: FastifyInstance[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((app) => app.close()))
})

/**
 * A simulator with no latency, no quota and no Bybit or IBKR limits unless a test asks for
 * them, closed after the test. The clock stands still, so any per-second limit would bite.
 */
export async function startSimulator(opts: SimulatorOptions = {}) {
  const clock = manualClock()
  const app = await buildSimulator({
    latencyMs: 0,
    quotaPerWindow: 0,
    tickMs: TICK_MS,
    now: clock.now,
    ...opts,
    bybit: { rateLimitPerSecond: 0, ipLimitPer5s: 0, ...opts.bybit },
    ibkr: { pacingPerSecond: 0, ...opts.ibkr },
  })
  open.push(app)
  const get = (url: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url, headers })
  const json = async <T = unknown>(url: string): Promise<T> => {
    const response = await get(url)
    if (response.statusCode !== 200) throw new Error(`${url}: HTTP ${response.statusCode}`)
    return response.json<T>()
  }
  const post = (url: string, payload: unknown) =>
    app.inject({ method: 'POST', url, payload: payload as object })
  return { app, clock, get, json, post }
}
