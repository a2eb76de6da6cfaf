import { parsePrometheusText, sampleValue } from '@marketcache/devkit/prometheus-text'
import { startPrivateRedis } from '@marketcache/devkit/redis'
import { afterAll, describe, expect, it } from 'vitest'
import type { WorkerHealth } from '../../src/health'
import { createLogger } from '../../src/logger'
import { serveMetrics } from '../../src/metrics/server'
import { type RunningWorker, startWorker } from '../../src/start-worker'
import { testConfig, testRedis } from '../support/config'
import { useHarnessPerTest } from '../support/harness'
import { runMain } from '../support/main-process'
import { startSimulator } from '../support/simulator'
import { waitFor } from '../support/wait'

const workers = useHarnessPerTest({ upstream: () => startSimulator() })

async function listen(worker: RunningWorker) {
  const server = await serveMetrics(
    { registry: worker.metrics.registry, health: () => worker.health() },
    { host: '127.0.0.1', port: 0, logger: createLogger('silent') },
  )
  const health = async () => {
    const response = await fetch(`${server.url}/health`)
    return { status: response.status, body: (await response.json()) as WorkerHealth }
  }
  return { server, health }
}

describe('the worker /health', () => {
  it('is 200 while Redis and every BullMQ worker run, 503 once the worker is closed', async () => {
    const h = await workers.start()
    const { server, health } = await listen(h.worker)
    h.closeAfter(server)
    expect(await health()).toEqual({
      status: 200,
      body: {
        status: 'ok',
        redis: { cache: 'up', queue: 'up' },
        // Every queue this process consumes.
        workers: Object.fromEntries(Object.keys(h.worker.queues).map((q) => [q, 'running'])),
      },
    })

    expect(Object.keys(h.worker.queues)).toEqual(expect.arrayContaining(['coingecko', 'derive']))

    await h.worker.close()
    const closed = await health()
    expect(closed.status).toBe(503)
    expect(closed.body.status).toBe('unavailable')
    expect(closed.body.workers?.coingecko).toBe('stopped')
  })

  it('is 503 while Redis is away, and /metrics still answers at once', async () => {
    const redis = await startPrivateRedis()
    const t = testRedis()
    const worker = await startWorker(testConfig(t, { CACHE_REDIS_URL: redis.url }), {
      logger: createLogger('silent'),
    })
    const { server, health } = await listen(worker)
    let restarted: Awaited<ReturnType<typeof startPrivateRedis>> | undefined
    try {
      expect((await health()).status).toBe(200)
      await redis.stop()
      const away = await waitFor(async () => {
        const answer = await health()
        return answer.status === 503 ? answer : undefined
      })
      expect(away.body.redis).toEqual({ cache: 'down', queue: 'down' })

      const started = Date.now()
      const scrape = await fetch(`${server.url}/metrics`)
      expect(scrape.status).toBe(200)
      // Without the queue Redis the queue gauges are left out rather than waited for.
      const families = parsePrometheusText(await scrape.text())
      const queueJobs = families.find((family) => family.name === 'marketcache_queue_jobs')
      expect(queueJobs?.samples).toEqual([])
      expect(sampleValue(families, 'marketcache_process_cpu_seconds_total')).toBeGreaterThan(0)
      expect(Date.now() - started).toBeLessThan(1000)

      restarted = await startPrivateRedis({ port: Number(new URL(redis.url).port) })
      await waitFor(async () => ((await health()).status === 200 ? true : undefined), {
        timeoutMs: 15_000,
        what: 'health back at 200',
      })
    } finally {
      await server.close()
      await worker.close()
      await restarted?.stop()
      await t.cleanup()
    }
  })
})

describe('the worker process', () => {
  const t = testRedis()
  afterAll(() => t.cleanup())
  const env = () => {
    const config = testConfig(t)
    return {
      CACHE_REDIS_URL: config.cacheRedisUrl,
      KEY_PREFIX: config.keyPrefix,
      QUEUE_PREFIX: config.queuePrefix,
      WARM_SCHEDULES: '[]',
      LOG_LEVEL: 'info',
    }
  }

  it('serves /health and /metrics on WORKER_METRICS_PORT, and exits cleanly on SIGTERM', async () => {
    const main = runMain({ ...env(), WORKER_METRICS_PORT: '0' })
    try {
      const url = await waitFor(
        () => main.records.find((r) => r.msg === 'metrics and health listening')?.url as string,
        { what: 'the metrics listener' },
      )
      await waitFor(async () => ((await fetch(`${url}/health`)).ok ? true : undefined), {
        what: 'health at 200',
      })
      const metrics = await fetch(`${url}/metrics`)
      expect(parsePrometheusText(await metrics.text()).length).toBeGreaterThan(0)
    } finally {
      main.child.kill('SIGTERM')
    }
    expect(await main.exited, main.stderr()).toBe(0)
  })

  it('serves neither with WORKER_METRICS_PORT=off', async () => {
    const main = runMain({ ...env(), WORKER_METRICS_PORT: 'off' })
    try {
      await waitFor(() => (main.records.some((r) => r.msg === 'worker started') ? true : undefined))
    } finally {
      main.child.kill('SIGTERM')
    }
    expect(await main.exited, main.stderr()).toBe(0)
    expect(main.records.some((r) => r.msg === 'metrics and health listening')).toBe(false)
  })
})
