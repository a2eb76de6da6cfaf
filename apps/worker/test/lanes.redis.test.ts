import { AGED_PRIORITY, type JobRequest, Priority } from '@marketcache/shared/jobs'
import { Queue } from 'bullmq'
import { afterAll, describe, expect, it } from 'vitest'
import { keepLanes } from '../src/lanes'
import { createLogger } from '../src/logger'
import { testRedis } from './support/config'
import { useHarness } from './support/harness'
import { startSimulator } from './support/simulator'

const kline = (symbol: string) =>
  ({
    queue: 'bybit',
    name: 'bybit.kline',
    data: { symbol, interval: '1h' },
  }) as const satisfies JobRequest

describe('a flood of misses on a queue at its rate limit', () => {
  // 4 calls a second: 60 waiting misses are 15 s of quota.
  const h = useHarness({
    upstream: () => startSimulator(),
    env: { BYBIT_RATE_MAX: '4', BYBIT_RATE_DURATION_MS: '1000' },
    queues: ['bybit'],
  })

  it('does not hold back update-cache or a warm-up behind it', async () => {
    const misses = await Promise.all(
      Array.from({ length: 60 }, (_, i) => h.add(kline(`FLOOD${i}USDT`), 'miss')),
    )
    const update = await h.add(
      { queue: 'bybit', name: 'bybit.spot', data: { symbols: ['BTCUSDT'] } },
      'update',
    )
    const warm = await h.add(kline('ETHUSDT'), 'warm')

    // Strict priorities would run them after all 60 misses, about 15 s from now.
    const [updated, warmed] = await Promise.all([h.settled(update, 8000), h.settled(warm, 8000)])
    expect(await updated.getState()).toBe('completed')
    expect(await warmed.getState()).toBe('completed')
    const states = await Promise.all(misses.map((job) => h.worker.queues.bybit.getJobState(job.id)))
    expect(states.filter((state) => state === 'prioritized').length).toBeGreaterThan(20)
  })
})

describe('the lane keeper', () => {
  const t = testRedis()
  const queue = new Queue('lanes', { connection: t.redis, prefix: t.queuePrefix })
  afterAll(async () => {
    await queue.close()
    await t.cleanup()
  })
  const settings = { tickMs: 60, agedAfterMs: 0, share: 0.25 }
  const logger = createLogger('silent')
  const add = (name: string, priority: number) => queue.add(name, {}, { priority })
  const byPriority = async () => queue.getCountsPerPriority([AGED_PRIORITY, Priority.miss])

  it('promotes nothing while no miss waits', async () => {
    await add('update-0', Priority.update)
    const keeper = keepLanes(
      queue,
      { max: 10, duration: 1000 },
      { redis: t.redis, logger, settings },
    )
    keeper.stop()
    await new Promise((resolve) => setTimeout(resolve, 70))
    expect(await keeper.tick()).toBe(0)
    await queue.obliterate({ force: true })
  })

  it('promotes the oldest bypassed jobs ahead of the misses, at its share of the rate', async () => {
    for (let i = 0; i < 5; i++) await add(`miss-${i}`, Priority.miss)
    for (let i = 0; i < 4; i++) await add(`warm-${i}`, Priority.warm)
    for (let i = 0; i < 4; i++) await add(`update-${i}`, Priority.update)
    // 100 jobs/s × 60 ms × 0.25: 1.5 promotions a tick, so one, then none while the promoted
    // job has not run (it uses up what it was promoted for).
    const keeper = keepLanes(
      queue,
      { max: 100, duration: 1000 },
      { redis: t.redis, logger, settings },
    )
    keeper.stop()
    await new Promise((resolve) => setTimeout(resolve, 70))
    expect(await keeper.tick()).toBe(1)
    await new Promise((resolve) => setTimeout(resolve, 70))
    expect(await keeper.tick()).toBe(0)

    const order = (await queue.getPrioritized()).map((job) => job.name)
    expect(order.slice(0, 6)).toEqual([
      'update-0',
      'miss-0',
      'miss-1',
      'miss-2',
      'miss-3',
      'miss-4',
    ])
    expect((await byPriority())[AGED_PRIORITY]).toBe(1)
  })
})
