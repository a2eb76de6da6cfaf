import { cacheKey } from '@marketcache/shared/dataset'
import { coin } from '@marketcache/shared/datasets/coin'
import { Priority } from '@marketcache/shared/jobs'
import { Keys } from '@marketcache/shared/keys'
import { Queue } from 'bullmq'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { testConfig, testRedis } from './support/config'
import { readEntry } from './support/entries'
import { useHarnessPerTest } from './support/harness'
import { runMain } from './support/main-process'
import { startSimulator } from './support/simulator'
import { waitFor } from './support/wait'

const workers = useHarnessPerTest({ upstream: () => startSimulator() })
const sim = workers.upstream
afterEach(() => sim.faults({ latencyMs: 0 }))

describe('startWorker', () => {
  it('sends the provider key and keeps it out of the logs', async () => {
    const h = await workers.start({ env: { COINGECKO_API_KEY: 'CG-test-secret' }, logs: 'debug' })
    const job = await h.add({ queue: 'coingecko', name: 'coingecko.coin', data: { id: 'bitcoin' } })
    await h.settled(job)

    expect((await sim.stats()).withApiKey).toBe(1)
    const output = h.logs.lines.join('\n')
    expect(output).toContain('provider call')
    expect(output).toContain('[redacted]')
    expect(output).not.toContain('CG-test-secret')
  })

  it('lets a running job finish on close, then stops taking work', async () => {
    await sim.faults({ latencyMs: 400 })
    const h = await workers.start()
    const queue = h.worker.queues.coingecko
    const job = await h.add({ queue: 'coingecko', name: 'coingecko.coin', data: { id: 'tron' } })
    await waitFor(async () => ((await queue.getJobState(job.id)) === 'active' ? true : undefined), {
      what: 'the job to start',
    })

    await Promise.all([h.worker.close(), h.worker.close()])
    expect(await readEntry(h.redis, h.key(coin, { id: 'tron' }))).toMatchObject({
      source: 'coingecko',
    })

    // Nothing consumes the queue any more: a new job stays waiting.
    const producer = new Queue('coingecko', { connection: h.redis, prefix: h.queuePrefix })
    const later = await producer.add(
      'coingecko.coin',
      { id: 'dogecoin', origin: 'miss' },
      { priority: Priority.miss },
    )
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(await producer.getJobState(later.id as string)).toBe('prioritized')
    expect(await producer.getJobState(job.id)).toBe('completed')
    await producer.close()
  })
})

describe('the worker process', () => {
  const t = testRedis()
  afterAll(() => t.cleanup())

  it('runs as two processes that share warm-ups and exit cleanly on SIGTERM', async () => {
    const config = testConfig(t)
    const env = {
      CACHE_REDIS_URL: config.cacheRedisUrl,
      KEY_PREFIX: config.keyPrefix,
      QUEUE_PREFIX: config.queuePrefix,
      COINGECKO_BASE_URL: sim.baseUrl,
      COINGECKO_RATE_MAX: '1000',
      COINGECKO_RATE_DURATION_MS: '1000',
      LOG_LEVEL: 'debug',
      WARM_SCHEDULES: JSON.stringify([
        {
          name: 'majors',
          cron: '*/1 * * * * *',
          request: {
            queue: 'coingecko',
            name: 'coingecko.markets',
            data: { ids: ['bitcoin', 'ethereum'] },
          },
        },
      ]),
    }
    const processes = [runMain(env), runMain(env)]
    const ticksOf = (records: Record<string, unknown>[]) =>
      records.filter((r) => r.msg === 'warm-up enqueued').map((r) => r.tick as number)
    try {
      await waitFor(
        () => {
          const [a, b] = processes.map((p) => new Set(ticksOf(p.records)))
          const shared = [...(a ?? [])].filter((tick) => b?.has(tick))
          return shared.length >= 2 ? true : undefined
        },
        { timeoutMs: 20_000, what: 'two ticks seen by both processes' },
      )
    } finally {
      for (const p of processes) p.child.kill('SIGTERM')
    }
    const codes = await Promise.all(processes.map((p) => p.exited))
    expect(codes, processes.map((p) => p.stderr()).join('\n')).toEqual([0, 0])
    for (const p of processes) expect(p.records.some((r) => r.msg === 'worker closed')).toBe(true)

    const ticks = new Set(processes.flatMap((p) => ticksOf(p.records)))
    const inspector = new Queue('coingecko', { connection: t.redis, prefix: t.queuePrefix })
    const jobs = await inspector.getJobs([
      'completed',
      'failed',
      'active',
      'wait',
      'prioritized',
      'delayed',
    ])
    await inspector.close()
    expect(jobs).toHaveLength(ticks.size)
    expect(
      await readEntry(t.redis, cacheKey(new Keys(t.keyPrefix), coin, { id: 'bitcoin' })),
    ).toMatchObject({
      source: 'coingecko',
    })
  })
})
