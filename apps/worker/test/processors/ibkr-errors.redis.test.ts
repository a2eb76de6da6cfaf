import { instruments } from '@marketcache/shared/datasets/instruments'
import { optionChain } from '@marketcache/shared/datasets/option-chain'
import { spot } from '@marketcache/shared/datasets/spot'
import type { JobRequest } from '@marketcache/shared/jobs'
import { describe, expect, it } from 'vitest'
import { readEntry } from '../support/entries'
import { useHarnessPerTest } from '../support/harness'
import { startSimulator } from '../support/simulator'

/** A fresh worker per test: a pause or a failure must not leak into the next test. */
const workers = useHarnessPerTest({ upstream: () => startSimulator(), queues: ['ibkr'] })
const sim = workers.upstream
const harness = (env: Record<string, string> = {}) => workers.start({ env })

const spotRequest: JobRequest = { queue: 'ibkr', name: 'ibkr.spot', data: { symbols: ['AAPL'] } }

describe('ibkr error policy against the simulator', () => {
  it('waits out a pacing 429: no call before the pause, and no attempt spent', async () => {
    const h = await harness({ IBKR_PACING_PAUSE_MS: '600' })
    await sim.faults({ ibkr: { forced429: 1 } })
    const job = await h.run(spotRequest)
    expect(await job.getState()).toBe('completed')
    expect(job.attemptsMade).toBe(1)

    const [limited, ...rest] = sim.calls
    expect((await sim.stats()).byStatus['429']).toBe(1)
    expect(rest.length).toBeGreaterThan(0)
    for (const call of rest) expect(call.at - (limited?.at ?? 0)).toBeGreaterThanOrEqual(600)
    expect(
      await readEntry(h.redis, h.key(spot, { exchange: 'ibkr', symbol: 'AAPL' })),
    ).toMatchObject({ source: 'ibkr' })
  })

  it('fails at once while the gateway is not logged in, and says so on the entry', async () => {
    const h = await harness()
    expect(await (await h.run(spotRequest)).getState()).toBe('completed')
    await sim.faults({ ibkr: { authenticated: false } })

    const job = await h.run(spotRequest, 'miss', { attempts: 4 })
    expect(await job.getState()).toBe('failed')
    expect(job.attemptsMade).toBe(1)
    expect(job.failedReason).toMatch(/not authenticated/)
    const entry = await readEntry(h.redis, h.key(spot, { exchange: 'ibkr', symbol: 'AAPL' }))
    expect(entry).toMatchObject({ lastError: expect.stringMatching(/PROVIDER_REJECTED.*log in/) })
  })

  it('caches an unknown underlying as not found for both the chain and its instruments', async () => {
    const h = await harness()
    const job = await h.run({
      queue: 'ibkr',
      name: 'ibkr.option-chain',
      data: { underlying: 'ZZZZ' },
    })
    expect(await job.getState()).toBe('failed')
    expect(job.attemptsMade).toBe(1)
    const params = { exchange: 'ibkr', underlying: 'ZZZZ' } as const
    expect(await readEntry(h.redis, h.key(optionChain, params))).toMatchObject({ notFound: true })
    expect(await readEntry(h.redis, h.key(instruments, params))).toMatchObject({ notFound: true })
    const stats = await sim.stats()
    expect(stats.byEndpoint['/iserver/secdef/search']).toBe(1)
    expect(stats.byEndpoint['/iserver/secdef/strikes'] ?? 0).toBe(0)
  })
})
