import { simulatedProviderUrls } from '@marketcache/devkit/simulated-providers'
import { cacheKey } from '@marketcache/shared/dataset'
import { instruments } from '@marketcache/shared/datasets/instruments'
import { type JobRequest, producerJobOptions } from '@marketcache/shared/jobs'
import { Keys } from '@marketcache/shared/keys'
import { Queue } from 'bullmq'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWorker } from '../src/start-worker'
import { testConfig, testRedis } from './support/config'
import { type RunningSimulator, startSimulator } from './support/simulator'
import { waitFor } from './support/wait'

const UNDERLYINGS = ['SPY', 'QQQ', 'AAPL', 'MSFT']

let sim: RunningSimulator
const t = testRedis()
beforeAll(async () => {
  sim = await startSimulator()
})
afterAll(async () => {
  await sim.close()
  await t.cleanup()
})

describe('two worker processes against one IBKR gateway', () => {
  it('qualify four underlyings together without ever exceeding the gateway pacing', async () => {
    // A short qualification (one month, three strikes) keeps it to a few seconds of calls; one
    // job at a time per process, so both take some.
    const config = testConfig(t, {
      IBKR_CONCURRENCY: '1',
      IBKR_BASE_URL: simulatedProviderUrls(sim.origin).IBKR_BASE_URL,
      IBKR_CHAIN_MONTHS: '1',
      IBKR_CHAIN_STRIKES: '3',
    })
    const workers = [
      await startWorker(config, { run: ['ibkr'] }),
      await startWorker(config, { run: ['ibkr'] }),
    ]
    const served = workers.map(() => 0)
    workers.forEach((worker, index) => {
      worker.workers.ibkr?.on('completed', () => {
        served[index] = (served[index] ?? 0) + 1
      })
    })
    const queue = new Queue('ibkr', { connection: t.redis, prefix: t.queuePrefix })
    const keys = new Keys(t.keyPrefix)
    try {
      for (const underlying of UNDERLYINGS) {
        const request = { queue: 'ibkr', name: 'ibkr.instruments', data: { underlying } } as const
        await queue.add(
          request.name,
          { ...request.data, origin: 'warm' },
          producerJobOptions(request as JobRequest, 'warm'),
        )
      }
      await waitFor(
        async () => {
          const present = await Promise.all(
            UNDERLYINGS.map((underlying) =>
              t.redis.exists(cacheKey(keys, instruments, { exchange: 'ibkr', underlying })),
            ),
          )
          return present.every((n) => n === 1) ? true : undefined
        },
        { timeoutMs: 60_000, what: 'the four qualifications' },
      )
    } finally {
      await queue.close()
      await Promise.all(workers.map((worker) => worker.close()))
    }
    // The gateway never refused a call for its pacing, and both processes worked.
    expect((await sim.stats()).byStatus['429'] ?? 0).toBe(0)
    const at = sim.calls.filter((call) => call.path.startsWith('/v1/api')).map((call) => call.at)
    expect(at.length).toBeGreaterThan(20)
    for (const start of at) {
      expect(at.filter((time) => time >= start && time < start + 1000).length).toBeLessThanOrEqual(
        10,
      )
    }
  }, 90_000)
})
