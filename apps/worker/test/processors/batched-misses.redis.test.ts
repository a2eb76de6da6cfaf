import { coin } from '@marketcache/shared/datasets/coin'
import { spot } from '@marketcache/shared/datasets/spot'
import { type JobRequest, producerJobOptions } from '@marketcache/shared/jobs'
import type { Job } from 'bullmq'
import { describe, expect, it } from 'vitest'
import { readEntry } from '../support/entries'
import { useHarness } from '../support/harness'
import { startSimulator } from '../support/simulator'

/**
 * Misses of different keys arrive as separate jobs (from separate requests or replicas); the
 * first one to run serves the others waiting behind it with the same provider call.
 */
const h = useHarness({ upstream: () => startSimulator() })

/** Enqueues jobs as reads do (miss priority, seenAt now) while the queue is paused. */
async function queueWhilePaused(queue: 'coingecko' | 'bybit', requests: JobRequest[]) {
  // Paused for every worker (a worker's own pause does not stop a fetch it is blocked in).
  await h.worker.queues[queue].pause()
  const seenAt = Date.now()
  const jobs = []
  for (const request of requests) {
    jobs.push(
      await h.worker.queues[queue].add(
        request.name,
        { ...request.data, origin: 'miss', seenAt },
        producerJobOptions(request, 'miss'),
      ),
    )
  }
  await h.worker.queues[queue].resume()
  return Promise.all(jobs.map((job) => h.settled(job as Job & { id: string })))
}

describe('misses batched across jobs', () => {
  it('five coin misses cost one /coins/markets call; the jobs it served are dropped', async () => {
    const ids = ['bitcoin', 'ethereum', 'solana', 'cardano', 'tron']
    const done = await queueWhilePaused(
      'coingecko',
      ids.map((id) => ({ queue: 'coingecko', name: 'coingecko.coin', data: { id } })),
    )
    expect(done.map((job) => job.finishedOn !== undefined)).toEqual(ids.map(() => true))
    const stats = await h.upstream.stats()
    expect(stats.byEndpoint['/coins/markets']).toBe(1)
    expect(stats.byEndpoint['/coins/{id}'] ?? 0).toBe(0)
    expect(done.filter((job) => job.returnvalue?.dropped)).toHaveLength(ids.length - 1)
    for (const id of ids) expect(await readEntry(h.redis, h.key(coin, { id }))).not.toBeNull()
  })

  it('a made-up id among them is remembered as not found, without its own call', async () => {
    const ids = ['dogecoin', 'made-up-coin']
    await queueWhilePaused(
      'coingecko',
      ids.map((id) => ({ queue: 'coingecko', name: 'coingecko.coin', data: { id } })),
    )
    expect(await readEntry(h.redis, h.key(coin, { id: 'made-up-coin' }))).toEqual(
      expect.objectContaining({ notFound: true }),
    )
    expect((await h.upstream.stats()).total).toBe(1)
  })

  it('three spot misses cost one Bybit tickers call', async () => {
    const symbols = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT']
    await queueWhilePaused(
      'bybit',
      symbols.map((symbol) => ({
        queue: 'bybit',
        name: 'bybit.spot',
        data: { symbols: [symbol] },
      })),
    )
    expect((await h.upstream.stats()).byEndpoint['/v5/market/tickers']).toBe(1)
    for (const symbol of symbols) {
      expect(await readEntry(h.redis, h.key(spot, { exchange: 'bybit', symbol }))).not.toBeNull()
    }
  })
})
