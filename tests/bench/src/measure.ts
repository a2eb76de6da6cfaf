import { Pool } from 'undici'

export interface LatencySummary {
  requests: number
  p50Ms: number
  p99Ms: number
  meanMs: number
  perSecond: number
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN
}

/**
 * Runs `total` GETs of `path` over `connections` keep-alive connections and summarises their
 * latencies. Non-2xx/304 answers abort the run: a benchmark of errors is meaningless.
 */
export async function measureGets(
  origin: string,
  path: (i: number) => string,
  options: {
    total: number
    connections: number
    headers?: Record<string, string>
    /** Which statuses count as answered. @defaultValue below 400 */
    accept?: (status: number) => boolean
  },
): Promise<LatencySummary> {
  const pool = new Pool(origin, { connections: options.connections, pipelining: 1 })
  const latencies: number[] = []
  let next = 0
  const started = performance.now()
  async function lane() {
    while (next < options.total) {
      const i = next++
      const t0 = performance.now()
      const response = await pool.request({
        method: 'GET',
        path: path(i),
        headers: options.headers,
      })
      await response.body.dump()
      latencies.push(performance.now() - t0)
      if (!(options.accept ?? ((status: number) => status < 400))(response.statusCode))
        throw new Error(`GET ${path(i)} answered ${response.statusCode}`)
    }
  }
  await Promise.all(Array.from({ length: options.connections }, lane))
  const elapsedMs = performance.now() - started
  await pool.close()
  latencies.sort((a, b) => a - b)
  return {
    requests: latencies.length,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    meanMs: latencies.reduce((s, v) => s + v, 0) / latencies.length,
    perSecond: (latencies.length / elapsedMs) * 1000,
  }
}

export const fmt = (n: number, digits = 2) => n.toFixed(digits)
