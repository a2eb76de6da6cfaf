import { Keys } from '@marketcache/shared/keys'
import { describe, expect, it } from 'vitest'
import { useHarness } from './support/harness'
import { startSimulator } from './support/simulator'

const h = useHarness({ upstream: () => startSimulator() })

describe('what the worker tells /health/detailed', () => {
  it("records each provider's last success and failure", async () => {
    await h.run({ queue: 'coingecko', name: 'coingecko.coin', data: { id: 'bitcoin' } })
    const fields = await h.redis.hgetall(h.keys.providerHealth())
    expect(Number(fields['coingecko.success'])).toBeGreaterThan(Date.now() - 10_000)
    expect(fields['coingecko.failure']).toBeUndefined()
  })

  it('keeps a heartbeat naming its queues while it runs, and removes it when it stops', async () => {
    const queueKeys = new Keys(h.queuePrefix)
    const [key] = await h.redis.keys(queueKeys.workerHeartbeatPattern())
    expect(key).toBeDefined()
    const beat = JSON.parse((await h.redis.get(key as string)) as string)
    expect(beat.queues.sort()).toEqual(['bybit', 'coingecko', 'control', 'derive', 'ibkr', 'push'])
    expect(beat.pid).toBe(process.pid)
    expect(await h.redis.pttl(key as string)).toBeGreaterThan(10_000)
    await h.worker.close()
    expect(await h.redis.exists(key as string)).toBe(0)
  })
})
