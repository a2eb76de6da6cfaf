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
 * A simulator with no latency and no quota unless a test asks for them, closed after the test.
 */
export async function startSimulator(opts: SimulatorOptions = {}) {
  const clock = manualClock()
  const app = await buildSimulator({
    latencyMs: 0,
    quotaPerWindow: 0,
    tickMs: TICK_MS,
    now: clock.now,
    ...opts,
  })
  open.push(app)
  const get = (url: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url, headers })
  const json = async <T = unknown>(url: string): Promise<T> => {
    const response = await get(url)
    if (response.statusCode !== 200) throw new Error(`${url}: HTTP ${response.statusCode}`)
    return response.json<T>()
  }
  return { app, clock, get, json }
}
