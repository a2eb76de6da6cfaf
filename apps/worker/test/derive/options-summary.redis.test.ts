import { collar } from '@marketcache/shared/datasets/collar'
import { type OptionChain, optionChain } from '@marketcache/shared/datasets/option-chain'
import { type OptionsSummary, optionsSummary } from '@marketcache/shared/datasets/options-summary'
import type { JobRequest } from '@marketcache/shared/jobs'
import { Value } from '@sinclair/typebox/value'
import { describe, expect, it } from 'vitest'
import { readEnvelope } from '../support/entries'
import { useHarnessPerTest } from '../support/harness'
import { NO_BYBIT_LIMITS, startSimulator } from '../support/simulator'
import { waitFor } from '../support/wait'

const BTC = { exchange: 'bybit', underlying: 'BTC' } as const
const summaryJob = {
  queue: 'derive',
  name: 'derive.options-summary',
  data: BTC,
} as const satisfies JobRequest
const chainJob = {
  queue: 'bybit',
  name: 'bybit.option-chain',
  data: { underlying: 'BTC' },
} as const satisfies JobRequest

const workers = useHarnessPerTest({ upstream: () => startSimulator({ bybit: NO_BYBIT_LIMITS }) })
const sim = workers.upstream
const harness = () => workers.start()

describe('derive.options-summary in the worker, against the simulator', () => {
  it('is written from the cached chain, with no provider call, as of the chain', async () => {
    const h = await harness()
    expect(await (await h.run(chainJob)).getState()).toBe('completed')
    const calls = (await sim.stats()).total

    const done = await h.run(summaryJob)
    expect(await done.getState()).toBe('completed')
    expect(done.returnvalue).toEqual({ written: [h.key(optionsSummary, BTC)] })
    expect((await sim.stats()).total).toBe(calls)

    const chainEntry = await readEnvelope(h.redis, h.key(optionChain, BTC))
    const chain = JSON.parse(chainEntry.data) as OptionChain
    const entry = await readEnvelope(h.redis, h.key(optionsSummary, BTC))
    expect(entry).toMatchObject({ source: 'derived', asOf: chainEntry.asOf })
    expect(entry.basis).toBeUndefined()
    const summary = JSON.parse(entry.data) as OptionsSummary
    expect(Value.Check(optionsSummary.value, summary)).toBe(true)
    expect(summary).toMatchObject({
      exchange: 'bybit',
      underlying: 'BTC',
      underlying_price: chain.underlying_price,
      as_of: chain.as_of,
    })

    // Figures that must hold on any chain.
    expect(summary.expiries.map((e) => e.expiry)).toEqual(chain.expiries.map((e) => e.expiry))
    for (const [i, figures] of summary.expiries.entries()) {
      const strikes = (chain.expiries[i] as OptionChain['expiries'][number]).strikes
      if (figures.max_pain !== null) {
        expect(strikes.map((s) => s.strike)).toContain(figures.max_pain)
      }
      if (figures.atm_iv !== null) {
        expect(figures.atm_iv).toBeGreaterThan(0)
        expect(figures.atm_iv).toBeLessThan(5)
      }
    }
    const days = summary.term_structure.map((point) => point.days_to_expiry)
    expect(days).toEqual([...days].sort((a, b) => a - b))
    expect(summary.term_structure.length).toBeGreaterThan(0)
  })

  it('a chain rewrite recomputes an existing summary', async () => {
    const h = await harness()
    expect(await (await h.run(summaryJob)).getState()).toBe('completed')
    const first = await readEnvelope(h.redis, h.key(optionsSummary, BTC))

    expect(await (await h.run(chainJob, 'update')).getState()).toBe('completed')
    const second = await waitFor(
      async () => {
        const entry = await readEnvelope(h.redis, h.key(optionsSummary, BTC))
        return entry.fetchedAt > first.fetchedAt ? entry : undefined
      },
      { what: 'the recomputed summary' },
    )
    const chainEntry = await readEnvelope(h.redis, h.key(optionChain, BTC))
    expect(second.asOf).toBe(chainEntry.asOf)
    expect(second.etag).not.toBe(first.etag)
  })

  it('asked together with a collar on a cold cache, shares one chain fill', async () => {
    const h = await harness()
    const jobs = await Promise.all([
      h.add(summaryJob),
      h.add({ queue: 'derive', name: 'derive.collar', data: BTC }),
    ])
    for (const job of jobs) {
      expect(await (await h.settled(job)).getState()).toBe('completed')
    }
    const stats = await sim.stats()
    // One option tickers call for the chain, one spot tickers call for the collar's S.
    expect(stats.byEndpoint['/v5/market/tickers']).toBe(2)
    expect(stats.byEndpoint['/v5/market/instruments-info']).toBe(1)
    expect(await h.jobs('bybit', 'bybit.option-chain')).toHaveLength(1)
    expect(await h.redis.exists(h.key(optionsSummary, BTC), h.key(collar, BTC))).toBe(2)
  })
})
