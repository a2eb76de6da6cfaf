import { type JobOrigin, type JobRequest, producerJobOptions } from '@marketcache/shared/jobs'
import type { Job } from 'bullmq'
import { describe, expect, it } from 'vitest'
import { useHarness } from './support/harness'
import { startSimulator } from './support/simulator'

/**
 * A replica whose read saw a coin missing can enqueue after the first fill has finished (the
 * deduplication id is released then): its job must not call the provider a second time.
 */
const h = useHarness({ upstream: () => startSimulator() })

const coinRequest = (id: string) =>
  ({ queue: 'coingecko', name: 'coingecko.coin', data: { id } }) as const satisfies JobRequest

/** A job as a reader enqueues it: with what it saw (one past the version it read, or 0). */
async function enqueueSeen(request: JobRequest, origin: JobOrigin, seenAt: number) {
  const job = await h.worker.queues[request.queue as 'coingecko'].add(
    request.name,
    { ...request.data, origin, seenAt },
    producerJobOptions(request, origin),
  )
  return h.settled(job as Job & { id: string })
}

const coinCalls = async () => (await h.upstream.stats()).byEndpoint['/coins/{id}'] ?? 0

describe('a job whose entries were written since it was asked for', () => {
  it('is dropped for a miss: no provider call, reported as dropped', async () => {
    const seenAt = Date.now()
    await h.run(coinRequest('bitcoin'), 'miss')
    const late = await enqueueSeen(coinRequest('bitcoin'), 'miss', seenAt)
    expect(await late.getState()).toBe('completed')
    expect(late.returnvalue).toEqual({ written: [], dropped: true })
    expect(await coinCalls()).toBe(1)
  })

  it('is dropped for a read that saw nothing, whenever the fill fetched (versions, not clocks)', async () => {
    await h.run(coinRequest('tron'), 'miss')
    // The read fell between that fill's provider answer and its write: it saw no entry.
    const late = await enqueueSeen(coinRequest('tron'), 'miss', 0)
    expect(late.returnvalue).toEqual({ written: [], dropped: true })
    expect(await coinCalls()).toBe(1)
  })

  it('is dropped for a stale refresh and a warm-up too', async () => {
    const seenAt = Date.now()
    await h.run(coinRequest('ethereum'), 'miss')
    for (const origin of ['stale', 'refresh-ahead', 'warm'] as const) {
      const late = await enqueueSeen(coinRequest('ethereum'), origin, seenAt)
      expect(late.returnvalue, origin).toEqual({ written: [], dropped: true })
    }
    expect(await coinCalls()).toBe(1)
  })

  it('still runs for update-cache, which asks for a new version', async () => {
    const seenAt = Date.now()
    await h.run(coinRequest('solana'), 'miss')
    const update = await enqueueSeen(coinRequest('solana'), 'update', seenAt)
    expect(update.returnvalue.dropped).toBeUndefined()
    expect(update.returnvalue.written.length).toBeGreaterThan(0)
    expect(await coinCalls()).toBe(2)
  })

  it('runs when the read came after the write (the entry it saw was another version)', async () => {
    await h.run(coinRequest('cardano'), 'miss')
    const later = await enqueueSeen(coinRequest('cardano'), 'stale', Date.now() + 1)
    expect(later.returnvalue.dropped).toBeUndefined()
    expect(await coinCalls()).toBe(2)
  })

  it('runs a batch when only some of its entries were written since', async () => {
    const seenAt = Date.now()
    await h.run(coinRequest('dogecoin'), 'miss')
    const batch = await enqueueSeen(
      { queue: 'coingecko', name: 'coingecko.markets', data: { ids: ['dogecoin', 'tron'] } },
      'miss',
      seenAt,
    )
    expect(batch.returnvalue.dropped).toBeUndefined()
    expect((await h.upstream.stats()).byEndpoint['/coins/markets']).toBe(1)
  })
})
