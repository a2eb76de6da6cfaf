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
  return summarise(latencies, elapsedMs, byStatus)
}

/** The figures of a run: its latencies (sorted here), how long it took, its answers. */
function summarise(
  latencies: number[],
  elapsedMs: number,
  byStatus: Record<string, number>,
): LatencySummary & { maxMs: number } {
  latencies.sort((a, b) => a - b)
  return {
    requests: latencies.length,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.at(-1) ?? Number.NaN,
    meanMs: latencies.reduce((sum, value) => sum + value, 0) / latencies.length,
    perSecond: (latencies.length / elapsedMs) * 1000,
    byStatus,
  }
}

/** A paced schedule: `rate` GETs per second for `durationS`. */
interface Schedule {
  rate: number
  durationS: number
}

/**
 * Open-loop load: GETs of `path` issued on a fixed schedule of `rate` per second (the ones due
 * each millisecond), whatever the answers, over `connections` keep-alive connections, for
 * `durationS`. Sending never waits for an answer, and each latency counts from the moment its
 * request was sent (queued for a connection included), so a stall of the server counts against
 * every request behind it (no coordinated omission). autocannon's
 * `overallRate` is not this: each connection sends its budget for the second as fast as it can,
 * then waits for the next second, so its latencies are those of the peak. Any answer of 400 or
 * more aborts the run.
 *
 * `warmUp` runs first on the same connections and is not counted: a cold client (its JIT, its
 * connections being opened) falls behind the schedule in its first few hundred milliseconds,
 * which the figures would otherwise count against the server (a p99 several times the warm one).
 */
export async function measurePaced(
  origin: string,
  path: string,
  options: Schedule & { connections: number; warmUp?: Schedule },
): Promise<LatencySummary & { maxMs: number }> {
  const pool = new Pool(origin, { connections: options.connections, pipelining: 1 })
  try {
    if (options.warmUp) await paced(pool, origin, path, options.warmUp)
    return await paced(pool, origin, path, options)
  } finally {
    await pool.close()
  }
}

/** One paced run on `pool` (see `measurePaced`). */
async function paced(pool: Pool, origin: string, path: string, { rate, durationS }: Schedule) {
  const total = Math.round(rate * durationS)
  // Written in place: a growing array would be copied, and collected, under the load.
  const latencies = new Float64Array(total)
  let answered = 0
  const byStatus: Record<string, number> = {}
  let failure: Error | undefined
  const started = performance.now()
  // undici's dispatch with a bare handler: the lightest client it has, so that the load
  // generator, sharing the machine, keeps to the schedule.
  const send = () => {
    const sent = performance.now()
    let status = 0
    pool.dispatch(
      { origin, method: 'GET', path },
      {
        onConnect() {},
        onHeaders(statusCode) {
          status = statusCode
          return true
        },
        onData() {
          return true
        },
        onComplete() {
          latencies[answered++] = performance.now() - sent
          byStatus[status] = (byStatus[status] ?? 0) + 1
          if (status >= 400) failure ??= new Error(`GET ${path} answered ${status}`)
        },
        onError(error) {
          failure ??= error
        },
      },
    )
  }
  let issued = 0
  while (issued < total && failure === undefined) {
    const due = Math.min(total, Math.floor(((performance.now() - started) * rate) / 1000))
    for (; issued < due; issued++) send()
    await new Promise((resolve) => setTimeout(resolve, 1))
  }
  while (answered < issued && failure === undefined) {
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  const elapsedMs = performance.now() - started
  if (failure) throw failure
  return summarise(Array.from(latencies.subarray(0, answered)), elapsedMs, byStatus)
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
