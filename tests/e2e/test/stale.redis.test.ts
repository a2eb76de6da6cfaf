import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually, type Stack, sleep, startStack } from './support/stack'

describe('stale-while-revalidate', () => {
  let stack: Stack
  beforeAll(async () => {
    // One-second freshness so the test can watch an entry go stale; provider latency so the
    // refresh is still in flight while the burst of readers arrives.
    stack = await startStack({
      sim: { latencyMs: 400 },
      workerEnv: { COIN_FRESH_S: '1', COIN_STALE_S: '120' },
    })
  })
  afterAll(() => stack.close())

  it('serves a stale entry STALE to every concurrent reader, refreshes it once, then serves HIT', async () => {
    const first = await stack.get('/v1/coins/bitcoin')
    expect(first.headers.get('x-cache-status')).toBe('MISS')
    const original = await first.text()
    await sleep(1100)

    const readers = await Promise.all(
      Array.from({ length: 20 }, () => stack.get('/v1/coins/bitcoin')),
    )
    expect(readers.map((r) => r.headers.get('x-cache-status'))).toEqual(Array(20).fill('STALE'))
    // Stale readers get the previous value at once, not a wait for the refresh.
    expect(await readers[0]?.text()).toBe(original)

    const refreshed = await eventually(async () => {
      const response = await stack.get('/v1/coins/bitcoin')
      return response.headers.get('x-cache-status') === 'HIT' ? response : undefined
    })
    expect(refreshed.status).toBe(200)
    expect((await stack.simStats()).byCoin.bitcoin).toBe(2)
  })
})
