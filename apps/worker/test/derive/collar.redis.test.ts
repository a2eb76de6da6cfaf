import {
  COLLAR_RISK_FLOOR,
  type CollarSet,
  collar,
  PROTECTION_BUCKETS,
} from '@marketcache/shared/datasets/collar'
import { type OptionChain, optionChain } from '@marketcache/shared/datasets/option-chain'
import { spot } from '@marketcache/shared/datasets/spot'
import type { JobRequest } from '@marketcache/shared/jobs'
import { Value } from '@sinclair/typebox/value'
import { describe, expect, it } from 'vitest'
import { readEntry, readEnvelope } from '../support/entries'
import { useHarnessPerTest } from '../support/harness'
import { NO_BYBIT_LIMITS, startSimulator } from '../support/simulator'
import { waitFor } from '../support/wait'

const BTC = { exchange: 'bybit', underlying: 'BTC' } as const
const BTCUSDT = { exchange: 'bybit', symbol: 'BTCUSDT' } as const
const collarJob = { queue: 'derive', name: 'derive.collar', data: BTC } as const
const chainJob = {
  queue: 'bybit',
  name: 'bybit.option-chain',
  data: { underlying: 'BTC' },
} as const satisfies JobRequest

const workers = useHarnessPerTest({ upstream: () => startSimulator({ bybit: NO_BYBIT_LIMITS }) })
const sim = workers.upstream
const harness = () => workers.start()

describe('derive.collar in the worker, against the simulator', () => {
  it('on a cold cache fills the chain and the spot once each, then writes the collars', async () => {
    const h = await harness()
    const done = await h.run(collarJob)
    expect(await done.getState()).toBe('completed')
    expect(done.returnvalue).toEqual({ written: [h.key(collar, BTC)] })

    // One option tickers call, one spot tickers call, one instruments-info: each input once.
    const stats = await sim.stats()
    expect(stats.byEndpoint['/v5/market/tickers']).toBe(2)
    expect(stats.byEndpoint['/v5/market/instruments-info']).toBe(1)
    expect(stats.bySymbol.BTCUSDT).toBe(1)
    const fills = [
      ...(await h.jobs('bybit', 'bybit.option-chain')),
      ...(await h.jobs('bybit', 'bybit.spot')),
    ]
    expect(fills.map((job) => [job.name, job.data.origin])).toEqual([
      ['bybit.option-chain', 'miss'],
      ['bybit.spot', 'miss'],
    ])

    const chainEntry = await readEnvelope(h.redis, h.key(optionChain, BTC))
    const spotEntry = await readEnvelope(h.redis, h.key(spot, BTCUSDT))
    const S = (JSON.parse(spotEntry.data) as { price: number }).price
    const entry = await readEnvelope(h.redis, h.key(collar, BTC))
    expect(entry).toMatchObject({
      source: 'derived',
      schema: collar.schemaVersion,
      asOf: Math.min(chainEntry.asOf, spotEntry.asOf),
      basis: S,
    })
    const set = JSON.parse(entry.data) as CollarSet
    expect(Value.Check(collar.value, set)).toBe(true)
    expect(set).toMatchObject({
      exchange: 'bybit',
      underlying: 'BTC',
      spot: S,
      as_of: new Date(entry.asOf).toISOString(),
      inputs: {
        chain_as_of: new Date(chainEntry.asOf).toISOString(),
        spot_as_of: new Date(spotEntry.asOf).toISOString(),
      },
    })
    // A whole BTC set on the simulator is about 3 000 collars, 800 kB of JSON (about 275 bytes each).
    expect(Buffer.byteLength(entry.data)).toBeLessThan(1_500_000)
  })

  it('every collar of a simulator chain holds the collar invariants', async () => {
    const h = await harness()
    expect(await (await h.run(collarJob)).getState()).toBe('completed')
    const set = JSON.parse((await readEnvelope(h.redis, h.key(collar, BTC))).data) as CollarSet
    const chain = JSON.parse(
      (await readEnvelope(h.redis, h.key(optionChain, BTC))).data,
    ) as OptionChain
    const S = set.spot

    const all = set.buckets.flatMap((b) => b.expiries.flatMap((e) => e.collars))
    expect(all.length).toBe(set.total_count)
    expect(set.total_count).toBeGreaterThan(100)
    for (const c of all) {
      expect(c.put_strike).toBeLessThan(c.call_strike)
      expect(c.max_loss).toBeGreaterThan(0)
      // Money is rounded to 3 decimals at BTC's scale.
      expect(c.breakeven).toBeCloseTo(S + c.net_cost, 2)
      expect(c.net_cost).toBeCloseTo(c.put_ask - c.call_bid, 2)
      expect(c.max_gain + c.max_loss).toBeCloseTo(c.call_strike - c.put_strike, 2)
      // 6 significant digits.
      expect(Math.abs(c.gain_to_risk - c.max_gain / c.max_loss)).toBeLessThanOrEqual(
        Math.abs(c.max_gain / c.max_loss) * 1e-5,
      )
      const score = c.max_gain / Math.max(c.max_loss, COLLAR_RISK_FLOOR * S)
      expect(Math.abs(c.score - score)).toBeLessThanOrEqual(Math.abs(score) * 1e-5)
      expect(c.protection).toBeCloseTo((S - c.put_strike) / S, 5)
    }
    // Buckets in order, each collar in its own bucket, expiries ascending within a bucket.
    expect(set.buckets.map((b) => b.protection)).toEqual(PROTECTION_BUCKETS.map((b) => b.name))
    for (const [i, bucket] of set.buckets.entries()) {
      const range = PROTECTION_BUCKETS[i] as (typeof PROTECTION_BUCKETS)[number]
      const times = bucket.expiries.map((e) => Date.parse(e.expiry))
      expect(times).toEqual([...new Set(times)].sort((a, b) => a - b))
      for (const c of bucket.expiries.flatMap((e) => e.collars)) {
        expect(c.protection).toBeGreaterThanOrEqual(range.from)
        expect(c.protection).toBeLessThan(range.to)
      }
    }
    // The same count, worked out independently: quoted pairs with a positive max loss.
    let expected = 0
    for (const expiry of chain.expiries) {
      for (const low of expiry.strikes) {
        for (const high of expiry.strikes) {
          const ask = low.put?.ask
          const bid = high.call?.bid
          if (high.strike <= low.strike || ask == null || bid == null) continue
          if (S - low.strike + (ask - bid) > 1e-6) expected++
        }
      }
    }
    expect(set.total_count).toBe(expected)
  })

  it('a chain rewrite recomputes a collar that exists, and none that does not', async () => {
    const h = await harness()
    expect(await (await h.run(collarJob)).getState()).toBe('completed')
    const first = await readEnvelope(h.redis, h.key(collar, BTC))

    expect(await (await h.run(chainJob, 'update')).getState()).toBe('completed')
    const second = await waitFor(
      async () => {
        const entry = await readEnvelope(h.redis, h.key(collar, BTC))
        return entry.fetchedAt > first.fetchedAt ? entry : undefined
      },
      { what: 'the recomputed collar' },
    )
    expect(second.etag).not.toBe(first.etag)
    const recomputes = await h.jobs('derive', 'derive.collar')
    expect(recomputes.map((job) => job.data.origin).sort()).toEqual(['miss', 'stale'])
    const chainEntry = await readEnvelope(h.redis, h.key(optionChain, BTC))
    const set = JSON.parse(second.data) as CollarSet
    expect(set.inputs.chain_as_of).toBe(new Date(chainEntry.asOf).toISOString())
    // Still no further provider call for the spot: the recompute uses the cached one.
    expect((await sim.stats()).bySymbol.BTCUSDT).toBe(1)

    // Nobody reads the collar any more (it expired, say): a chain rewrite leaves it alone.
    await h.redis.unlink(h.key(collar, BTC))
    expect(await (await h.run(chainJob, 'update')).getState()).toBe('completed')
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(await h.jobs('derive', 'derive.collar')).toHaveLength(2)
    expect(await h.redis.exists(h.key(collar, BTC))).toBe(0)
  })

  it('an underlying Bybit does not list: a negative collar entry, no retry', async () => {
    const h = await harness()
    const done = await h.run({ ...collarJob, data: { exchange: 'bybit', underlying: 'NOPE' } })
    expect(await done.getState()).toBe('failed')
    expect(done.attemptsMade).toBe(1)
    const entry = await readEntry(h.redis, h.key(collar, { exchange: 'bybit', underlying: 'NOPE' }))
    expect(entry).toMatchObject({ notFound: true, source: 'derived' })
  })
})
