import { describe, expect, it } from 'vitest'
import { buildSimulator } from '../src/app'

describe('buildSimulator', () => {
  it('uses CoinGecko demo-plan defaults', async () => {
    const app = await buildSimulator()
    const faults = (await app.inject('/__sim/faults')).json()
    await app.close()

    expect(faults).toMatchObject({
      latencyMs: 150,
      quotaPerWindow: 30,
      quotaWindowMs: 60_000,
      bybit: { rateLimitPerSecond: 20, ipLimitPer5s: 600, banMs: 600_000 },
      ibkr: { pacingPerSecond: 10, authenticated: true },
    })
  })

  it.each([
    [{ tickMs: 0 }, /tickMs/],
    [{ seed: 1.5 }, /seed/],
    [{ coins: 49 }, /coins must be an integer from 50 to 20000, got 49/],
    [{ coins: 20_001 }, /coins must be/],
    [{ coins: 300.5 }, /coins must be/],
    [{ latencyMs: -5 }, /latencyMs/],
    [{ faults: { errorRate: 2 } }, /errorRate/],
    [{ bybit: { banMs: -1 } }, /bybit\.banMs/],
    [{ ibkr: { authenticated: 'yes' as unknown as boolean } }, /ibkr\.authenticated/],
  ])('rejects %j', async (opts, message) => {
    await expect(buildSimulator(opts)).rejects.toThrow(message)
  })
})
