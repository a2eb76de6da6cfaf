import { testPrefix } from '@marketcache/devkit/redis'
import { type JobRequest, producerJobOptions } from '@marketcache/shared/jobs'
import { type Job, Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { LimiterRefund } from '../src/limiter-refund'
import { createLogger } from '../src/logger'
import { useHarness } from './support/harness'
import { startSimulator } from './support/simulator'

/**
 * CoinGecko's limiter at 8 jobs a minute, with the queue's 4 jobs at a time: two runs that call
 * and ten dropped jobs would spend twelve slots without refunds, and the rest would wait for the
 * next minute. With them, the slots a drop holds for a moment never reach the limit (two calls
 * plus at most four drops in flight).
 */
const LIMIT = { COINGECKO_RATE_MAX: '8', COINGECKO_RATE_DURATION_MS: '60000' }
const h = useHarness({ upstream: () => startSimulator(), env: LIMIT })

const coin = (id: string) =>
  ({ queue: 'coingecko', name: 'coingecko.coin', data: { id } }) as const satisfies JobRequest

describe('a dropped job gives its limiter slot back (COINGECKO_RATE_MAX=8 a minute)', () => {
  it('so jobs a call already served drain at once, and the next miss runs without waiting', async () => {
    const seenAt = Date.now()
    await h.run(coin('bitcoin'), 'miss')
    const queue = h.worker.queues.coingecko
    // Ten late jobs for the coin just written, as replicas that saw it missing enqueue them.
    const late = await Promise.all(
      Array.from({ length: 10 }, (_, n) =>
        queue.add(
          'coingecko.coin',
          { id: 'bitcoin', origin: 'stale', seenAt },
          // Each its own deduplication id, as five replicas' reads would not share one.
          producerJobOptions(coin('bitcoin'), 'stale', { dedup: `late-${n}` }),
        ),
      ),
    )
    const started = Date.now()
    for (const job of late) {
      const done = await h.settled(job as Job & { id: string }, 10_000)
      expect(done.returnvalue).toEqual({ written: [], dropped: true })
    }
    const tron = await h.run(coin('tron'), 'miss')
    expect(tron.returnvalue.written.length).toBeGreaterThan(0)
    // The ten drops took no slot: the two runs that called are all the minute has counted.
    expect(Date.now() - started).toBeLessThan(10_000)
    expect((await h.upstream.stats()).byEndpoint['/coins/{id}']).toBe(2)
    expect(Number(await h.redis.get(queue.keys.limiter as string))).toBe(2)
  })
})

describe('LimiterRefund', () => {
  const redis = new Redis(inject('redisUrl'))
  const queue = new Queue('refund-test', { connection: redis, prefix: testPrefix('q') })
  const key = queue.keys.limiter as string
  const limiter = { max: 10, duration: 60_000 }
  const refund = new LimiterRefund(redis, queue, limiter, createLogger('silent'))
  afterAll(async () => {
    await redis.del(key)
    await queue.close()
    await redis.quit()
  })

  it('gives one slot back to the window that counted the job', async () => {
    await redis.set(key, '3', 'PX', 60_000)
    expect(await refund.refund({ id: '1', processedOn: Date.now() })).toBe(true)
    expect(await redis.get(key)).toBe('2')
  })

  it('leaves a later window alone: it did not count the job', async () => {
    // The job was counted 30 s ago, in a window that ends in 30 s; this one ends in 60 s.
    await redis.set(key, '3', 'PX', 60_000)
    expect(await refund.refund({ id: '1', processedOn: Date.now() - 30_000 })).toBe(false)
    expect(await redis.get(key)).toBe('3')
  })

  it("leaves a pause for a provider's rate limit alone, and creates no window", async () => {
    await redis.set(key, String(Number.MAX_SAFE_INTEGER), 'PX', 5000)
    expect(await refund.refund({ id: '1', processedOn: Date.now() })).toBe(false)
    expect(await redis.get(key)).toBe(String(Number.MAX_SAFE_INTEGER))
    await redis.del(key)
    expect(await refund.refund({ id: '1', processedOn: Date.now() })).toBe(false)
    expect(await redis.exists(key)).toBe(0)
  })
})
