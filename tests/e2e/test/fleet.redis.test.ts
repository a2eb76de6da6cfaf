import { type ServerProcess, startProcess } from '@marketcache/devkit/processes'
import { deletePrefix, testPrefix } from '@marketcache/devkit/redis'
import { simulatedProviderUrls } from '@marketcache/devkit/simulated-providers'
import { createRedisClient } from '@marketcache/shared/redis-client'
import { buildSimulator } from '@marketcache/simulator/app'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { WRITE_KEY } from '../src/stack'
import { eventually, sleep } from './support/stack'

/** Ports of this file's processes, away from `pnpm start`'s and the bench's. */
const API_PORTS = [3761, 3762, 3763]
const WORKER_PORTS = [3766, 3767]
const UNDERLYINGS = ['SPY', 'QQQ', 'AAPL', 'MSFT']

/** A warm-up ticking every second: each tick must be one job, however many workers fire it. */
const EVERY_SECOND = JSON.stringify([
  {
    name: 'tick-top',
    cron: '*/1 * * * * *',
    atStart: false,
    request: { queue: 'coingecko', name: 'coingecko.markets', data: { top: 5 } },
  },
])

interface Call {
  at: number
  url: string
}

describe.runIf(inject('redisCluster'))('3 API and 2 worker processes on the cluster', () => {
  const redisUrl = inject('redisUrl')
  const keyPrefix = testPrefix('mc')
  const queuePrefix = testPrefix('q')
  const calls: Call[] = []
  const processes: ServerProcess[] = []
  let simulator: Awaited<ReturnType<typeof buildSimulator>>
  let apis: string[] = []
  let sim = ''

  beforeAll(async () => {
    // A provider 150 ms away, so reads keep arriving while a fill runs.
    simulator = await buildSimulator({ latencyMs: 150, quotaPerWindow: 0, logger: false })
    simulator.addHook('onRequest', async (request) => {
      if (!request.url.startsWith('/__sim')) calls.push({ at: Date.now(), url: request.url })
    })
    sim = await simulator.listen({ port: 0, host: '127.0.0.1' })
    const common = {
      CACHE_REDIS_URL: redisUrl,
      REDIS_CLUSTER: 'true',
      KEY_PREFIX: keyPrefix,
      QUEUE_PREFIX: queuePrefix,
      LOG_LEVEL: 'warn',
    }
    const workers = WORKER_PORTS.map((port) =>
      startProcess({
        entry: 'apps/worker/src/main.ts',
        port,
        probe: '/health',
        env: {
          ...common,
          ...simulatedProviderUrls(sim),
          // A short qualification, one job at a time per process, so both take some.
          IBKR_CHAIN_MONTHS: '1',
          IBKR_CHAIN_STRIKES: '3',
          IBKR_CONCURRENCY: '1',
          // A dead worker's jobs go back to the queue within seconds, not a minute.
          JOB_LOCK_MS: '2000',
          STALLED_CHECK_MS: '1000',
          WARM_SCHEDULES: EVERY_SECOND,
          WORKER_METRICS_PORT: String(port),
        },
      }),
    )
    const apiProcesses = API_PORTS.map((port) =>
      startProcess({
        entry: 'apps/api/src/server.ts',
        port,
        probe: '/health/ready',
        env: {
          ...common,
          API_HOST: '127.0.0.1',
          API_PORT: String(port),
          API_KEYS: `${WRITE_KEY}:write|admin`,
          READ_WAIT_MS: '10000',
          RATE_LIMIT_MAX: '100000',
          RATE_LIMIT_COSTLY_MAX: '100000',
        },
      }),
    )
    processes.push(...(await Promise.all([...workers, ...apiProcesses])))
    apis = processes.slice(WORKER_PORTS.length).map((process) => process.url)
  }, 90_000)

  afterAll(async () => {
    await Promise.all(processes.map((process) => process.stop()))
    await simulator?.close()
    const redis = createRedisClient(redisUrl, true, {})
    await deletePrefix(redis, keyPrefix)
    await deletePrefix(redis, `{${queuePrefix}}`)
    await redis.quit()
  }, 60_000)

  it('turns 1000 concurrent cold reads of one coin over the three APIs into 1 provider call', async () => {
    const responses = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => fetch(`${apis[i % apis.length]}/v1/coins/cardano`)),
    )
    const statuses = new Set(responses.map((response) => response.status))
    await Promise.all(responses.map((response) => response.arrayBuffer()))
    expect([...statuses]).toEqual([200])
    const stats = (await (await fetch(`${sim}/__sim/stats`)).json()) as {
      byCoin: Record<string, number>
    }
    expect(stats.byCoin.cardano).toBe(1)
  }, 60_000)

  it('makes one job per warm-up tick, whichever worker fires it', async () => {
    const since = Date.now()
    await sleep(3500)
    const ticks = calls.filter(
      (call) => call.at >= since && call.url.startsWith('/api/v3/coins/markets'),
    )
    expect(ticks.length).toBeGreaterThanOrEqual(2)
    // Each tick's call comes within its second (provider latency 150 ms): at most one a second.
    const perSecond = new Map<number, number>()
    for (const { at } of ticks)
      perSecond.set(Math.floor(at / 1000), (perSecond.get(Math.floor(at / 1000)) ?? 0) + 1)
    expect(Math.max(...perSecond.values())).toBe(1)
  }, 30_000)

  it('qualifies IBKR underlyings on both workers without exceeding the gateway pacing', async () => {
    const since = Date.now()
    await completed(await qualify(UNDERLYINGS))
    const ibkr = calls.filter((call) => call.at >= since && call.url.startsWith('/v1/api'))
    expect(ibkr.length).toBeGreaterThan(20)
    const stats = (await (await fetch(`${sim}/__sim/stats`)).json()) as {
      byStatus: Record<string, number>
    }
    expect(stats.byStatus['429'] ?? 0).toBe(0)
    for (const { at } of ibkr) {
      expect(
        ibkr.filter((call) => call.at >= at && call.at < at + 1000).length,
      ).toBeLessThanOrEqual(10)
    }
  }, 90_000)

  it('loses no job when a worker is killed mid-job', async () => {
    const since = Date.now()
    const jobs = await qualify(['GOOGL', 'AMZN', 'NVDA', 'META'])
    // Both workers are on a job (one at a time each): kill the first without warning.
    await eventually(async () =>
      calls.filter((call) => call.at >= since && call.url.startsWith('/v1/api')).length >= 4
        ? true
        : undefined,
    )
    process.kill(processes[0]?.pid as number, 'SIGKILL')
    await completed(jobs)
    for (const underlying of ['GOOGL', 'AMZN', 'NVDA', 'META']) {
      const response = await fetch(`${apis[2]}/v1/instruments/ibkr/${underlying}`)
      await response.arrayBuffer()
      expect(response.status).toBe(200)
      expect(response.headers.get('x-cache-status')).toBe('HIT')
    }
  }, 90_000)

  /** update-cache of the IBKR instruments of `underlyings`: the job ids. */
  async function qualify(underlyings: readonly string[]): Promise<string[]> {
    const jobs: string[] = []
    for (const underlying of underlyings) {
      const response = await fetch(`${apis[0]}/v1/update-cache`, {
        method: 'POST',
        headers: { authorization: `Bearer ${WRITE_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ dataset: 'instruments', params: { exchange: 'ibkr', underlying } }),
      })
      expect(response.status).toBe(202)
      const { jobs: enqueued } = (await response.json()) as { jobs: { id: string }[] }
      jobs.push(...enqueued.map((job) => job.id))
    }
    return jobs
  }

  async function completed(jobs: readonly string[]): Promise<void> {
    for (const id of jobs) {
      await eventually(async () => {
        const job = (await (await fetch(`${apis[1]}/v1/jobs/${id}`)).json()) as { state: string }
        return job.state === 'completed' ? job : undefined
      }, 60_000)
    }
  }
})
