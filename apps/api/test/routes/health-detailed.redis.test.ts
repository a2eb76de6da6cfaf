import { Keys } from '@marketcache/shared/keys'
import { Worker } from 'bullmq'
import { describe, expect, it } from 'vitest'
import { TestKeys, useTestApp } from '../fixtures/test-app'

const t = useTestApp({}, { beforeEach: 'queues' })

const get = (key: string | null = TestKeys.admin) =>
  t.app.inject({
    method: 'GET',
    url: '/health/detailed',
    headers: key ? { authorization: `Bearer ${key}` } : {},
  })

const QUEUES = ['coingecko', 'bybit', 'ibkr', 'derive', 'control', 'push']

/** A heartbeat as a worker process keeps it (apps/worker/src/heartbeat.ts). */
async function beat(id: string, queues = QUEUES) {
  const key = new Keys(t.config.queuePrefix).workerHeartbeat(id)
  const at = new Date().toISOString()
  await t.redis.set(
    key,
    JSON.stringify({ id, host: 'h', pid: 1, queues, started_at: at, at }),
    'PX',
    15_000,
  )
  return key
}

describe('GET /health/detailed', () => {
  it('needs the admin scope', async () => {
    expect((await get(null)).statusCode).toBe(401)
    expect((await get(TestKeys.writer)).statusCode).toBe(403)
  })

  it('reports each Redis: round trip, memory, eviction policy, persistence', async () => {
    const body = (await get()).json()
    for (const redis of [body.redis.cache, body.redis.queue]) {
      expect(redis.up).toBe(true)
      expect(redis.round_trip_ms).toBeGreaterThanOrEqual(0)
      expect(redis.used_memory).toBeGreaterThan(0)
      expect(typeof redis.maxmemory_policy).toBe('string')
      expect(typeof redis.persistence.aof).toBe('boolean')
    }
  })

  it('is degraded while a queue has no live worker, and ok once every queue has one', async () => {
    const before = (await get()).json()
    expect(before.status).toBe('degraded')
    expect(before.problems).toContain('no live worker runs the control queue')
    const key = await beat('worker-a')
    try {
      const after = (await get()).json()
      expect(after.status).toBe('ok')
      expect(after.workers.map((w: { id: string }) => w.id)).toEqual(['worker-a'])
      expect(after.queues.coingecko.workers).toBe(1)
    } finally {
      await t.redis.del(key)
    }
  })

  it('counts each queue by state and ages its oldest waiting job', async () => {
    await t.queues.coingecko.add('coingecko.coin', { id: 'a' }, { priority: 6 })
    await new Promise((resolve) => setTimeout(resolve, 20))
    await t.queues.coingecko.add('coingecko.coin', { id: 'b' }, { priority: 2 })
    const { queues } = (await get()).json()
    expect(queues.coingecko.counts.prioritized).toBe(2)
    // The warm-up added first is the oldest, though the miss runs first.
    expect(queues.coingecko.oldest_waiting_s).toBeGreaterThanOrEqual(0.02)
    expect(queues.bybit.oldest_waiting_s).toBeNull()
  })

  it('shows a provider rate limit in force', async () => {
    const connection = t.redis.duplicate({ maxRetriesPerRequest: null })
    const worker = new Worker('bybit', null, {
      connection,
      prefix: t.config.queuePrefix,
      autorun: false,
    })
    await worker.rateLimit(5000)
    const { queues } = (await get()).json()
    expect(queues.bybit.rate_limited_ms).toBeGreaterThan(4000)
    expect(queues.coingecko.rate_limited_ms).toBe(0)
    await worker.close()
    await connection.quit()
  })

  it("shows each provider's last success and failure as the workers record them", async () => {
    await t.redis.hset(
      t.keys.providerHealth(),
      'bybit.success',
      '1000',
      'bybit.failure',
      '2000',
      'bybit.failure_status',
      '429',
    )
    const { providers } = (await get()).json()
    expect(providers.bybit).toEqual({
      last_success: new Date(1000).toISOString(),
      last_failure: new Date(2000).toISOString(),
      last_failure_status: '429',
    })
    expect(providers.coingecko).toEqual({
      last_success: null,
      last_failure: null,
      last_failure_status: null,
    })
  })
})
