import { describe, expect, it } from 'vitest'
import { buildSimulator } from '../src/app'

describe('buildSimulator', () => {
  it('uses CoinGecko demo-plan defaults', async () => {
    const app = await buildSimulator()
    const faults = (await app.inject('/__sim/faults')).json()
    await app.close()

    expect(faults).toMatchObject({ latencyMs: 150, quotaPerWindow: 30, quotaWindowMs: 60_000 })
  })

  it.each([
    [{ tickMs: 0 }, /tickMs/],
    [{ seed: 1.5 }, /seed/],
    [{ latencyMs: -5 }, /latencyMs/],
    [{ faults: { errorRate: 2 } }, /errorRate/],
  ])('rejects %j', async (opts, message) => {
    await expect(buildSimulator(opts)).rejects.toThrow(message)
  })
})
