import { Priority } from '@marketcache/shared/jobs'
import { Keys } from '@marketcache/shared/keys'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { withCallPriority } from '../../../src/call-priority'
import { createLogger } from '../../../src/logger'
import { FleetPacing } from '../../../src/providers/fleet-pacing'
import { CallPacer } from '../../../src/providers/ibkr/pacer'
import { testRedis } from '../../support/config'

const t = testRedis()
afterAll(() => t.cleanup())

/** A worker replica's pacer: its own connection, the fleet's one pacing key. */
function replica(limit: { max: number; duration: number }) {
  const redis = new Redis(inject('redisUrl'))
  const key = new Keys(t.queuePrefix).providerPacing('ibkr')
  const fleet = new FleetPacing(redis, key, createLogger('silent'))
  return { pacer: new CallPacer(limit, { fleet }), close: () => redis.quit() }
}

async function callTimes(pacer: CallPacer, calls: number, at: number[]) {
  await withCallPriority(Priority.warm, async () => {
    await Promise.all(
      Array.from({ length: calls }, async () => {
        await pacer.turn()
        at.push(Date.now())
      }),
    )
  })
}

describe('IBKR pacing shared by worker replicas', () => {
  it('spaces the calls of two replicas as one schedule: never more than max per window', async () => {
    const limit = { max: 20, duration: 1000 }
    const replicas = [replica(limit), replica(limit)]
    const at: number[] = []
    try {
      // Each replica alone would send 20 a second; together they must not send 40.
      await Promise.all(replicas.map(({ pacer }) => callTimes(pacer, 15, at)))
    } finally {
      await Promise.all(replicas.map((r) => r.close()))
    }
    at.sort((a, b) => a - b)
    expect(at).toHaveLength(30)
    // 55 ms apart on the Redis clock; a timer may fire a millisecond or two early.
    for (let i = 1; i < at.length; i++) {
      expect((at[i] as number) - (at[i - 1] as number)).toBeGreaterThanOrEqual(50)
    }
    // In any one-second window, at most 20 calls.
    for (let i = 0; i < at.length; i++) {
      const inWindow = at.filter(
        (time) => time >= (at[i] as number) && time < (at[i] as number) + 1000,
      )
      expect(inWindow.length).toBeLessThanOrEqual(limit.max)
    }
  })

  it('goes on pacing per process when the shared Redis does not answer', async () => {
    const redis = new Redis({
      port: 1,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    })
    redis.on('error', () => {})
    const fleet = new FleetPacing(redis, 'nowhere:pacing:ibkr', createLogger('silent'))
    const pacer = new CallPacer({ max: 20, duration: 1000 }, { fleet })
    const at: number[] = []
    await callTimes(pacer, 3, at)
    expect(at).toHaveLength(3)
    redis.disconnect()
  })
})
