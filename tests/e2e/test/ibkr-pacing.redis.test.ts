import { cacheKey } from '@marketcache/shared/dataset'
import { instruments } from '@marketcache/shared/datasets/instruments'
import { Keys } from '@marketcache/shared/keys'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually, type Stack, startStack } from './support/stack'

const UNDERLYINGS = ['SPY', 'QQQ', 'AAPL', 'MSFT', 'TSLA']

/** The default qualification warm-ups, run at worker start. */
const QUALIFICATION = JSON.stringify(
  UNDERLYINGS.map((underlying) => ({
    name: `instruments-${underlying.toLowerCase()}`,
    cron: '*/15 * * * *',
    request: { queue: 'ibkr', name: 'ibkr.instruments', data: { underlying } },
  })),
)

const secdefCalls = async (stack: Stack) => {
  const { byEndpoint } = await stack.simStats()
  return Object.entries(byEndpoint)
    .filter(([endpoint]) => endpoint.includes('secdef'))
    .reduce((sum, [, count]) => sum + count, 0)
}

describe('an IBKR miss while the qualification warm-ups run', () => {
  let stack: Stack
  beforeAll(async () => {
    // The gateway's own pacing (10 calls/s); five strikes a month keeps the warm-ups to ~12 s.
    stack = await startStack({
      workerEnv: { WARM_SCHEDULES: QUALIFICATION, IBKR_CHAIN_STRIKES: '5' },
    })
  })
  afterAll(() => stack.close())

  it('is served within its 2 s wait, and every warm-up still lands', async () => {
    // The five warm-ups are under way: their calls fill the pacer far beyond 2 s.
    await eventually(async () => ((await secdefCalls(stack)) >= 10 ? true : undefined))

    const response = await stack.get('/v1/spot/ibkr/AAPL?wait=2000')
    expect(response.status).toBe(200)
    expect(response.headers.get('x-cache-status')).toBe('MISS')

    // The warm-ups were not done when the miss was answered, and none was lost to it.
    const prefix = new Keys(stack.keyPrefix)
    const keys = UNDERLYINGS.map((underlying) =>
      cacheKey(prefix, instruments, { exchange: 'ibkr', underlying }),
    )
    // One EXISTS per key: on a cluster the keys are in different slots.
    const present = async () =>
      (await Promise.all(keys.map((key) => stack.redis.exists(key)))).reduce((a, b) => a + b, 0)
    expect(await present()).toBeLessThan(UNDERLYINGS.length)
    await eventually(
      async () => ((await present()) === UNDERLYINGS.length ? true : undefined),
      40_000,
    )
  }, 60_000)
})
