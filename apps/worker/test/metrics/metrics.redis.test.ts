import {
  type MetricFamily,
  parsePrometheusText,
  sampleValue,
} from '@marketcache/devkit/prometheus-text'
import type { JobRequest } from '@marketcache/shared/jobs'
import { describe, expect, it } from 'vitest'
import { createLogger } from '../../src/logger'
import { serveMetrics } from '../../src/metrics/server'
import type { RunningWorker } from '../../src/start-worker'
import { type Harness, useHarnessPerTest } from '../support/harness'
import { type RunningSimulator, startSimulator } from '../support/simulator'
import { waitFor } from '../support/wait'

const coinRequest = (id: string): JobRequest => ({
  queue: 'coingecko',
  name: 'coingecko.coin',
  data: { id },
})

const workers = useHarnessPerTest({ upstream: () => startSimulator() })
const sim = workers.upstream

/** The worker's listener on a free port, closed with the harness; `scrape` parses strictly. */
async function serve(closer: Pick<Harness<RunningSimulator>, 'closeAfter'>, worker: RunningWorker) {
  const server = await serveMetrics(
    { registry: worker.metrics.registry, health: () => worker.health() },
    { host: '127.0.0.1', port: 0, logger: createLogger('silent') },
  )
  closer.closeAfter(server)
  const scrape = async (): Promise<MetricFamily[]> => {
    const response = await fetch(`${server.url}/metrics`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8')
    return parsePrometheusText(await response.text())
  }
  /** Waits for a sample to reach `expected`: BullMQ's events land just after a job settles. */
  const reaches = (sample: string, labels: Record<string, string>, expected: number) =>
    waitFor(
      async () => {
        const value = sampleValue(await scrape(), sample, labels)
        return value === expected ? value : undefined
      },
      { what: `${sample} ${JSON.stringify(labels)} = ${expected}` },
    ).catch(async (error) => {
      expect(sampleValue(await scrape(), sample, labels), String(error)).toBe(expected)
    })
  return { url: server.url, scrape, reaches }
}

describe('the worker /metrics', () => {
  it('is Prometheus text with every worker metric and the process metrics, all prefixed', async () => {
    const h = await workers.start()
    const { url, scrape } = await serve(h, h.worker)
    const names = (await scrape()).map((family) => family.name)
    expect(names).toEqual(
      expect.arrayContaining([
        'marketcache_provider_calls_total',
        'marketcache_provider_request_duration_seconds',
        'marketcache_rate_limit_pauses_total',
        'marketcache_provider_quota_used',
        'marketcache_provider_quota_remaining',
        'marketcache_jobs_total',
        'marketcache_entries_written_total',
        'marketcache_queue_jobs',
        'marketcache_queue_oldest_waiting_seconds',
        'marketcache_process_cpu_seconds_total',
        'marketcache_nodejs_heap_size_used_bytes',
      ]),
    )
    expect(names.every((name) => name.startsWith('marketcache_'))).toBe(true)
    expect((await fetch(`${url}/elsewhere`)).status).toBe(404)
    expect((await fetch(`${url}/metrics`, { method: 'POST' })).status).toBe(405)
  })

  it('counts a job run against the simulator: its call, the duration, the result, the entries', async () => {
    const h = await workers.start()
    const { scrape, reaches } = await serve(h, h.worker)
    const seenAt = Date.now()
    await h.run(coinRequest('bitcoin'))
    // Another reader's miss of the same coin, enqueued after the fill: dropped, no call.
    const late = await h.worker.queues.coingecko.add('coingecko.coin', {
      id: 'bitcoin',
      origin: 'miss',
      seenAt,
    })
    await h.settled(late as typeof late & { id: string })

    const job = { queue: 'coingecko', name: 'coingecko.coin' }
    await reaches('marketcache_jobs_total', { ...job, result: 'completed' }, 1)
    await reaches('marketcache_jobs_total', { ...job, result: 'dropped' }, 1)
    const families = await scrape()
    const call = { provider: 'coingecko', endpoint: '/coins/{id}' }
    expect(
      sampleValue(families, 'marketcache_provider_calls_total', { ...call, status: '200' }),
    ).toBe(1)
    // The same count the simulator saw, and the one /v1/cache/stats reads from Redis.
    expect(sampleValue(families, 'marketcache_provider_calls_total')).toBe(sim.calls.length)
    expect(Number(await h.redis.hget(h.keys.providerCalls(), 'coingecko./coins/{id}'))).toBe(1)
    expect(sampleValue(families, 'marketcache_provider_request_duration_seconds_count', call)).toBe(
      1,
    )
    expect(sampleValue(families, 'marketcache_entries_written_total', { dataset: 'coin' })).toBe(1)
    expect(
      sampleValue(families, 'marketcache_entries_written_total', { dataset: 'tokenomics' }),
    ).toBe(1)
    const labels = families.flatMap((f) => f.samples).flatMap((s) => Object.values(s.labels))
    expect(labels.some((value) => value.includes('bitcoin'))).toBe(false)
  })

  it('counts retried and failed attempts, their 5xx calls, and rate-limit pauses', async () => {
    const h = await workers.start({ env: { BACKOFF_BASE_MS: '20', BACKOFF_MAX_MS: '20' } })
    const { scrape, reaches } = await serve(h, h.worker)
    await sim.faults({ errorRate: 1 })
    const failed = await h.run(coinRequest('cardano'), 'update', { attempts: 2 })
    expect(await failed.getState()).toBe('failed')
    const job = { queue: 'coingecko', name: 'coingecko.coin' }
    await reaches('marketcache_jobs_total', { ...job, result: 'retried' }, 1)
    await reaches('marketcache_jobs_total', { ...job, result: 'failed' }, 1)
    expect(
      sampleValue(await scrape(), 'marketcache_provider_calls_total', {
        provider: 'coingecko',
        status: '500',
      }),
    ).toBe(2)

    await sim.faults({ errorRate: 0, forced429: 1, forced429RetryAfterS: 1 })
    expect(await (await h.run(coinRequest('tron'))).getState()).toBe('completed')
    const families = await scrape()
    const coingecko = { provider: 'coingecko' }
    expect(sampleValue(families, 'marketcache_rate_limit_pauses_total', coingecko)).toBe(1)
    expect(
      sampleValue(families, 'marketcache_provider_calls_total', { ...coingecko, status: '429' }),
    ).toBe(1)
    // The rate-limited run was put back, not counted as a result.
    await reaches('marketcache_jobs_total', { ...job, result: 'completed' }, 1)
  })

  it("reports Bybit's quota headers and each provider queue's limiter window", async () => {
    const h = await workers.start({ env: { COINGECKO_RATE_DURATION_MS: '60000' } })
    const { scrape } = await serve(h, h.worker)
    await h.run({ queue: 'bybit', name: 'bybit.spot', data: { symbols: ['BTCUSDT'] } })
    await h.run(coinRequest('bitcoin'))
    const families = await scrape()
    const quota = (source: string, provider: string) => ({
      used: sampleValue(families, 'marketcache_provider_quota_used', { provider, source }),
      remaining: sampleValue(families, 'marketcache_provider_quota_remaining', {
        provider,
        source,
      }),
    })
    // The simulator's Bybit limit is 20 calls per second and endpoint.
    const bybit = quota('headers', 'bybit')
    expect(bybit.used).toBeGreaterThanOrEqual(1)
    expect(bybit.used + bybit.remaining).toBe(20)
    // COINGECKO_RATE_MAX is 1000 in tests; one job started in this minute's window.
    expect(quota('limiter', 'coingecko')).toEqual({ used: 1, remaining: 999 })
    expect(quota('limiter', 'ibkr').remaining).toBeGreaterThan(0)
    const sources = families
      .filter((family) => family.name === 'marketcache_provider_quota_remaining')
      .flatMap((family) => family.samples.map((s) => `${s.labels.provider}/${s.labels.source}`))
    expect(sources.sort()).toEqual([
      'bybit/headers',
      'bybit/limiter',
      'coingecko/limiter',
      'ibkr/limiter',
    ])
  })

  it('shows queue depth and how long the next job has waited, read at scrape time', async () => {
    // No queue is consumed: what is enqueued stays waiting.
    const h = await workers.start({ queues: [] })
    const { scrape } = await serve(h, h.worker)
    const depth = (families: MetricFamily[], queue: string, state: string) =>
      sampleValue(families, 'marketcache_queue_jobs', { queue, state })
    expect(depth(await scrape(), 'coingecko', 'prioritized')).toBe(0)
    expect(
      sampleValue(await scrape(), 'marketcache_queue_oldest_waiting_seconds', {
        queue: 'coingecko',
      }),
    ).toBe(0)

    for (const id of ['bitcoin', 'ethereum', 'solana']) await h.add(coinRequest(id))
    await new Promise((resolve) => setTimeout(resolve, 1100))
    const families = await scrape()
    expect(depth(families, 'coingecko', 'prioritized')).toBe(3)
    expect(depth(families, 'bybit', 'prioritized')).toBe(0)
    expect(depth(families, 'derive', 'active')).toBe(0)
    const oldest = sampleValue(families, 'marketcache_queue_oldest_waiting_seconds', {
      queue: 'coingecko',
    })
    expect(oldest).toBeGreaterThanOrEqual(1)
    expect(oldest).toBeLessThan(30)
  })
})
