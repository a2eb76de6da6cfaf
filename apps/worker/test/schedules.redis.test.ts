import { simulatedProviderUrls } from '@marketcache/devkit/simulated-providers'
import { cacheKey } from '@marketcache/shared/dataset'
import { collar } from '@marketcache/shared/datasets/collar'
import { Priority } from '@marketcache/shared/jobs'
import { Keys } from '@marketcache/shared/keys'
import { type Job, Queue } from 'bullmq'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config'
import { startWorker } from '../src/start-worker'
import { captureLogger } from './support/capture-logger'
import { testConfig, testRedis } from './support/config'
import { readEnvelope } from './support/entries'
import { type RunningSimulator, startSimulator } from './support/simulator'
import { waitFor } from './support/wait'

const EVERY_SECOND = JSON.stringify([
  {
    name: 'top-five',
    cron: '*/1 * * * * *',
    atStart: false,
    request: { queue: 'coingecko', name: 'coingecko.markets', data: { top: 5 } },
  },
])

let sim: RunningSimulator
const t = testRedis()

beforeAll(async () => {
  sim = await startSimulator()
})
afterAll(async () => {
  await sim.close()
  await t.cleanup()
})

type Enqueued = { tick: number; jobId: string }
const enqueued = (records: Record<string, unknown>[]): Enqueued[] =>
  records
    .filter((r) => r.msg === 'warm-up enqueued')
    .map((r) => ({ tick: r.tick as number, jobId: r.jobId as string }))

describe('warm-up schedules', () => {
  it('enqueue exactly one job per tick however many replicas run them', async () => {
    const config = testConfig(t, { COINGECKO_BASE_URL: sim.baseUrl, WARM_SCHEDULES: EVERY_SECOND })
    const a = captureLogger()
    const b = captureLogger()
    // Two replicas, each with its own connections, cron and BullMQ worker.
    const replicas = [
      await startWorker(config, { logger: a.logger }),
      await startWorker(config, { logger: b.logger }),
    ]
    try {
      await waitFor(
        () => {
          const ticksB = new Set(enqueued(b.records).map((e) => e.tick))
          const shared = enqueued(a.records).filter((e) => ticksB.has(e.tick))
          return shared.length >= 3 ? true : undefined
        },
        { timeoutMs: 8000, what: 'three ticks seen by both replicas' },
      )
    } finally {
      await Promise.all(replicas.map((replica) => replica.close()))
    }

    const inspector = new Queue('coingecko', { connection: t.redis, prefix: t.queuePrefix })
    const jobs: Job[] = await inspector.getJobs([
      'completed',
      'failed',
      'active',
      'wait',
      'prioritized',
      'delayed',
    ])
    await inspector.close()

    const fromA = enqueued(a.records)
    const fromB = enqueued(b.records)
    const ticks = new Set([...fromA, ...fromB].map((e) => e.tick))
    // One job per tick, and every tick's id says which tick it was.
    expect(jobs).toHaveLength(ticks.size)
    expect(new Set(jobs.map((job) => job.opts.deduplication?.id))).toEqual(
      new Set([...ticks].map((tick) => `warm|top-five|${tick}`)),
    )
    for (const job of jobs) {
      expect(job.name).toBe('coingecko.markets')
      expect(job.data).toEqual({ top: 5, origin: 'warm', seenAt: expect.any(Number) })
      expect(job.opts.priority).toBe(Priority.warm)
    }
    // Where both replicas fired for a tick, both were handed the same job.
    for (const { tick, jobId } of fromA) {
      const other = fromB.find((e) => e.tick === tick)
      if (other) expect(other.jobId).toBe(jobId)
    }
    for (const tick of ticks) expect(tick % 1000).toBe(0)
  })

  it('runs every schedule once when replicas start (not once per replica), by default', async () => {
    const prefixes = testRedis()
    const atStart = JSON.stringify([
      {
        name: 'coin-catalog',
        cron: '7 * * * *',
        request: { queue: 'coingecko', name: 'coingecko.catalog', data: {} },
      },
    ])
    const config = testConfig(prefixes, {
      COINGECKO_BASE_URL: sim.baseUrl,
      WARM_SCHEDULES: atStart,
    })
    const callsBefore = (await sim.stats()).byEndpoint['/coins/list'] ?? 0
    const replicas = [await startWorker(config), await startWorker(config)]
    try {
      const inspector = new Queue('coingecko', {
        connection: prefixes.redis,
        prefix: prefixes.queuePrefix,
      })
      const jobs = await waitFor(
        async () => {
          const done = await inspector.getJobs(['completed'])
          return done.length > 0 ? done : undefined
        },
        { timeoutMs: 8000, what: 'the start-up catalog job' },
      )
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(jobs.map((job) => job.name)).toEqual(['coingecko.catalog'])
      expect(await inspector.getJobCounts('completed', 'prioritized', 'waiting')).toEqual({
        completed: 1,
        prioritized: 0,
        waiting: 0,
      })
      expect(((await sim.stats()).byEndpoint['/coins/list'] ?? 0) - callsBefore).toBe(1)
      await inspector.close()
    } finally {
      await Promise.all(replicas.map((replica) => replica.close()))
      await prefixes.cleanup()
    }
  })

  it('binds a schedule to its market: nothing while it is closed, the start-up job while open', async () => {
    const chain = JSON.stringify([
      {
        name: 'ibkr-chain-aapl',
        cron: '0 0 1 1 *',
        market: 'us-equities',
        request: { queue: 'ibkr', name: 'ibkr.option-chain', data: { underlying: 'AAPL' } },
      },
    ])
    // Sunday 2026-11-29 15:00Z is a weekend; Tuesday 2026-12-01 15:00Z is 10:00 in New York.
    const started = async (at: number) => {
      const prefixes = testRedis()
      const log = captureLogger()
      const config = testConfig(prefixes, {
        IBKR_BASE_URL: simulatedProviderUrls(sim.origin).IBKR_BASE_URL,
        WARM_SCHEDULES: chain,
      })
      const worker = await startWorker(config, { logger: log.logger, now: () => at, run: [] })
      try {
        // The start-up job is decided after 'warm-up schedules started' is logged.
        const decided = ['warm-up skipped: market closed', 'warm-up enqueued']
        await waitFor(
          () => (log.records.some((r) => decided.includes(String(r.msg))) ? true : undefined),
          {
            timeoutMs: 5000,
            what: 'the start-up warm-up decision',
          },
        )
        const inspector = new Queue('ibkr', {
          connection: prefixes.redis,
          prefix: prefixes.queuePrefix,
        })
        const jobs = await inspector.getJobs(['prioritized', 'waiting'])
        await inspector.close()
        return jobs.map((job) => job.name)
      } finally {
        await worker.close()
        await prefixes.cleanup()
      }
    }
    expect(await started(Date.UTC(2026, 10, 29, 15))).toEqual([])
    expect(await started(Date.UTC(2026, 11, 1, 15))).toEqual(['ibkr.option-chain'])
  })

  it('the default collar warm-ups write the BTC, ETH and SOL collars with no read', async () => {
    const prefixes = testRedis()
    const warmCollars = loadConfig({}).warmSchedules.filter(
      (s) => s.request.name === 'derive.collar',
    )
    expect(warmCollars.map((s) => [s.name, s.cron, s.request])).toEqual(
      ['BTC', 'ETH', 'SOL'].map((underlying) => [
        `collar-${underlying.toLowerCase()}`,
        '*/5 * * * *',
        { queue: 'derive', name: 'derive.collar', data: { exchange: 'bybit', underlying } },
      ]),
    )
    // The same requests, ticking every second instead of every 5 minutes.
    const config = testConfig(prefixes, {
      BYBIT_BASE_URL: simulatedProviderUrls(sim.origin).BYBIT_BASE_URL,
      WARM_SCHEDULES: JSON.stringify(warmCollars.map((s) => ({ ...s, cron: '*/1 * * * * *' }))),
    })
    const keys = new Keys(prefixes.keyPrefix)
    const worker = await startWorker(config)
    try {
      for (const underlying of ['BTC', 'ETH', 'SOL']) {
        const key = cacheKey(keys, collar, { exchange: 'bybit', underlying })
        await waitFor(async () => ((await prefixes.redis.exists(key)) === 1 ? true : undefined), {
          timeoutMs: 8000,
          what: `the ${underlying} collar`,
        })
        expect(await readEnvelope(prefixes.redis, key)).toMatchObject({ source: 'derived' })
      }
      const inspector = new Queue('derive', {
        connection: prefixes.redis,
        prefix: prefixes.queuePrefix,
      })
      const jobs = await inspector.getJobs(['completed'])
      await inspector.close()
      expect(jobs.length).toBeGreaterThanOrEqual(3)
      for (const job of jobs) {
        expect(job.name).toBe('derive.collar')
        expect(job.data.origin).toBe('warm')
        expect(job.opts.priority).toBe(Priority.warm)
      }
    } finally {
      await worker.close()
      await prefixes.cleanup()
    }
  })
})
