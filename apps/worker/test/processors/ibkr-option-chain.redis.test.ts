import { instruments } from '@marketcache/shared/datasets/instruments'
import { type OptionChain, optionChain } from '@marketcache/shared/datasets/option-chain'
import type { Envelope } from '@marketcache/shared/envelope'
import type { Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { describe, expect, it } from 'vitest'
import { IBKR_FIXTURE_ENV, startIbkrFixtures } from '../providers/ibkr/fixture-route'
import { readEntry } from '../support/entries'
import { startHarness, useHarness } from '../support/harness'

type Contract = Static<typeof instruments.value>['contracts'][number]

const h = useHarness({ upstream: startIbkrFixtures, queues: ['ibkr'], env: IBKR_FIXTURE_ENV })
const server = h.upstream

const params = { exchange: 'ibkr', underlying: 'AAPL' } as const
const chainRequest = {
  queue: 'ibkr',
  name: 'ibkr.option-chain',
  data: { underlying: 'AAPL' },
} as const

async function read<T>(key: string): Promise<{ entry: Envelope; value: T }> {
  const entry = (await readEntry(h.redis, key)) as Envelope
  return { entry, value: JSON.parse(entry.data) as T }
}

describe('ibkr.option-chain against recorded shapes', () => {
  it('qualifies first when nothing is cached, writing both entries', async () => {
    const job = await h.run(chainRequest)
    expect(await job.getState()).toBe('completed')
    expect(job.returnvalue).toEqual({
      written: [h.key(instruments, params), h.key(optionChain, params)],
    })
  })

  it('pairs each qualified contract once, by expiry and strike, with parsed numbers', async () => {
    const { value: qualified } = await read<{ contracts: Contract[] }>(h.key(instruments, params))
    const { entry, value: chain } = await read<OptionChain>(h.key(optionChain, params))
    expect(Value.Check(optionChain.value, chain)).toBe(true)
    expect(chain.underlying_price).toBe(232.5) // the stock's "C232.50"
    // asOf is the provider's latest `_updated`, not the time of the job.
    expect(entry.asOf).toBe(1795300000000)
    expect(chain.as_of).toBe(new Date(1795300000000).toISOString())

    const bySymbol = new Map(qualified.contracts.map((c) => [c.symbol, c]))
    const seen: string[] = []
    for (const expiry of chain.expiries) {
      for (const strike of expiry.strikes) {
        for (const right of ['call', 'put'] as const) {
          const quote = strike[right]
          if (quote === null) continue
          seen.push(quote.symbol)
          expect(bySymbol.get(quote.symbol)).toMatchObject({
            expiry: expiry.expiry,
            strike: strike.strike,
            right,
          })
        }
      }
    }
    expect(new Set(seen).size).toBe(seen.length)
    // Every qualified contract but the one weekly the gateway never quotes.
    expect(seen).toHaveLength(qualified.contracts.length - 1)

    const at = (expiry: string, strike: number) =>
      chain.expiries.find((e) => e.expiry === expiry)?.strikes.find((s) => s.strike === strike)
    const monthly230 = at('2028-12-15T21:00:00.000Z', 230)
    expect(monthly230?.call).toMatchObject({
      iv: 0.325, // "32.5%"
      volume: 1230, // "1.23K"
      open_interest: 15_200, // "15.2K"
    })
    const call = monthly230?.call
    expect(call?.mark).toBeCloseTo(((call?.bid ?? 0) + (call?.ask ?? 0)) / 2, 10)
    expect(at('2028-12-15T21:00:00.000Z', 235)?.put?.volume).toBe(2_100_000) // "2.1M"
    // No bid (field 84 missing): bid null, mark falls back to the last trade.
    const noBid = at('2029-06-15T20:00:00.000Z', 220)?.put
    expect(noBid?.bid).toBeNull()
    expect(noBid?.ask).toBeGreaterThan(0)
    expect(noBid?.mark).toBeGreaterThan(0)
    // The weekly never quoted (still empty after the pre-flight retries): no put on that strike.
    expect(at('2028-12-22T21:00:00.000Z', 240)).toMatchObject({ put: null })
    expect(at('2028-12-22T21:00:00.000Z', 240)?.call).not.toBeNull()
    for (const expiry of chain.expiries) {
      expect(expiry.strikes.map((s) => s.strike)).toEqual(
        [...expiry.strikes.map((s) => s.strike)].sort((a, b) => a - b),
      )
    }
  })

  it('reuses the cached qualification: a second job only snapshots', async () => {
    server.requests.length = 0
    const job = await h.run(chainRequest)
    expect(await job.getState()).toBe('completed')
    expect(job.returnvalue).toEqual({ written: [h.key(optionChain, params)] })
    const paths = server.requests.map((r) => r.path)
    expect(paths.filter((p) => p.includes('/secdef/'))).toEqual([])
    // Every conid is subscribed by now: one snapshot call answers with values, and only the
    // weekly that is never quoted is asked again (bounded: three tries in all).
    expect(paths).toHaveLength(3)
    expect(paths.every((p) => p.startsWith('/v1/api/iserver/marketdata/snapshot?'))).toBe(true)
    const conids = paths.map((p) => new URL(p, 'http://x').searchParams.get('conids'))
    // The stock and all 32 qualified contracts.
    expect(conids[0]?.split(',')).toHaveLength(1 + 32)
    expect(conids.slice(1)).toEqual(['730100031', '730100031'])
  })
})

describe('ibkr.option-chain with an outdated qualification', () => {
  it('qualifies again once the cached instruments are past their stale window', async () => {
    const short = await startHarness({
      upstream: server,
      queues: ['ibkr'],
      env: { IBKR_RATE_MAX: '100', INSTRUMENTS_FRESH_S: '0.2', INSTRUMENTS_STALE_S: '0' },
    })
    try {
      expect(await (await short.run(chainRequest)).getState()).toBe('completed')
      await new Promise((resolve) => setTimeout(resolve, 300))
      server.requests.length = 0
      const job = await short.run(chainRequest)
      expect(await job.getState()).toBe('completed')
      expect(job.returnvalue).toEqual({
        written: [short.key(instruments, params), short.key(optionChain, params)],
      })
      expect(server.requests.some((r) => r.path.includes('/secdef/search'))).toBe(true)
    } finally {
      await short.stop()
    }
  })
})
