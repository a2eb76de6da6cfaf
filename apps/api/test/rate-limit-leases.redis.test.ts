import { deletePrefix, testPrefix } from '@marketcache/devkit/redis'
import type {} from '@marketcache/devkit/vitest-setup'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { LeasedRateLimitStore, leaseUnits } from '../src/rate-limit-leases'

const redis = new Redis(inject('redisUrl'))
const prefix = `${testPrefix('mc')}:rate:`
afterAll(async () => {
  await deletePrefix(redis, prefix)
  redis.disconnect()
})

const WINDOW_MS = 60_000

/** Spends one request of `client` on `store`, as the plugin does. */
const incr = (store: LeasedRateLimitStore, client: string, max: number) =>
  new Promise<{ current: number; ttl: number }>((resolve, reject) =>
    store.incr(
      client,
      (error, count) => (error || !count ? reject(error) : resolve(count)),
      WINDOW_MS,
      max,
    ),
  )

async function allowed(stores: LeasedRateLimitStore[], client: string, max: number, n: number) {
  const counts = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      incr(stores[i % stores.length] as LeasedRateLimitStore, client, max),
    ),
  )
  return counts.filter((count) => count.current <= max).length
}

describe('the leased rate-limit store', () => {
  it('counts a small budget exactly across replicas', async () => {
    const replicas = [
      new LeasedRateLimitStore(redis, prefix),
      new LeasedRateLimitStore(redis, prefix),
    ]
    expect(leaseUnits(10)).toBe(1)
    expect(await allowed(replicas, 'small', 10, 40)).toBe(10)
  })

  it('lets a large budget through to within one lease per replica, never beyond it', async () => {
    const max = 1000
    const replicas = [1, 2, 3].map(() => new LeasedRateLimitStore(redis, prefix))
    const served = await allowed(replicas, 'large', max, 3000)
    expect(served).toBeLessThanOrEqual(max)
    expect(served).toBeGreaterThanOrEqual(max - replicas.length * leaseUnits(max))
  })

  it('refuses a client over its budget from memory, with the window it has left', async () => {
    const store = new LeasedRateLimitStore(redis, prefix)
    expect(await allowed([store], 'flood', 5, 5)).toBe(5)
    const takenAtLimit = await redis.get(`${prefix}flood`)
    const refused = await Promise.all(Array.from({ length: 200 }, () => incr(store, 'flood', 5)))
    expect(refused.every((count) => count.current > 5)).toBe(true)
    expect(refused.every((count) => count.ttl > 0 && count.ttl <= WINDOW_MS)).toBe(true)
    // At most the one lease that found the budget spent reached Redis.
    expect(Number(await redis.get(`${prefix}flood`))).toBeLessThanOrEqual(Number(takenAtLimit) + 1)
  })

  it('gives each client its own budget', async () => {
    const store = new LeasedRateLimitStore(redis, prefix)
    expect(await allowed([store], 'one', 3, 6)).toBe(3)
    expect(await allowed([store], 'two', 3, 6)).toBe(3)
  })
})

describe('a burst of one client', () => {
  it('is admitted whole from two leases, however many arrive at once', async () => {
    const store = new LeasedRateLimitStore(redis, prefix)
    expect(await allowed([store], 'burst', 120, 50)).toBe(50)
    // The first request's lease, then one for all who waited on it: no unit taken twice or lost.
    expect(Number(await redis.get(`${prefix}burst`))).toBe(50)
  })
})
