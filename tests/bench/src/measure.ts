import { Pool } from 'undici'

export interface LatencySummary {
  requests: number
  p50Ms: number
  p99Ms: number
  meanMs: number
  perSecond: number
  /** Answers by status, an error's `code` beside its status: `{"200": 4990, "503 OVERLOADED": 10}`. */
  byStatus: Record<string, number>
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN
}

/** `"503 OVERLOADED"` for an API error body, the bare status otherwise. */
async function outcome(status: number, body: { text(): Promise<string>; dump(): Promise<void> }) {
  if (status < 400) {
    await body.dump()
    return String(status)
  }
  try {
    const { code } = JSON.parse(await body.text()) as { code?: unknown }
    return typeof code === 'string' ? `${status} ${code}` : String(status)
  } catch {
    return String(status)
  }
}

/**
 * Runs `total` GETs of `path` over `connections` keep-alive connections and summarises their
 * latencies. Non-2xx/304 answers abort the run unless `accept` takes them: a benchmark of errors
 * is meaningless. Past `deadlineMs` no further GET is started; `requests` says how many ran.
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
    /** @defaultValue no deadline */
    deadlineMs?: number
  },
): Promise<LatencySummary> {
  const pool = new Pool(origin, { connections: options.connections, pipelining: 1 })
  const accept = options.accept ?? ((status: number) => status < 400)
  const latencies: number[] = []
  const byStatus: Record<string, number> = {}
  let next = 0
  const started = performance.now()
  const deadline = started + (options.deadlineMs ?? Number.POSITIVE_INFINITY)
  async function lane() {
    while (next < options.total && performance.now() < deadline) {
      const i = next++
      const t0 = performance.now()
      const response = await pool.request({
        method: 'GET',
        path: path(i),
        headers: options.headers,
      })
      const answer = await outcome(response.statusCode, response.body)
      latencies.push(performance.now() - t0)
      byStatus[answer] = (byStatus[answer] ?? 0) + 1
      if (!accept(response.statusCode)) throw new Error(`GET ${path(i)} answered ${answer}`)
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
    byStatus,
  }
}

/** `200: 4990, 503 OVERLOADED: 10`, most frequent first. */
export const statusCounts = (byStatus: Record<string, number>) =>
  Object.entries(byStatus)
    .sort(([, a], [, b]) => b - a)
    .map(([status, n]) => `${status}: ${n}`)
    .join(', ')

export const fmt = (n: number, digits = 2) => n.toFixed(digits)

/** The middle value (the upper one of an even count); NaN for none. */
export const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN

/** The load comes from one address: per-client limits would measure themselves. */
export const NO_CLIENT_LIMITS = { RATE_LIMIT_MAX: '10000000', RATE_LIMIT_COSTLY_MAX: '10000000' }
