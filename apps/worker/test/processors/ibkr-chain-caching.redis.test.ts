import { instruments } from '@marketcache/shared/datasets/instruments'
import { type OptionChain, optionChain } from '@marketcache/shared/datasets/option-chain'
import type { Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { describe, expect, it } from 'vitest'
import { readValue } from '../support/entries'
import { useHarness } from '../support/harness'
import { startSimulator } from '../support/simulator'

const h = useHarness({
  upstream: () => startSimulator(),
  queues: ['ibkr'],
  env: { IBKR_CHAIN_MONTHS: '2', IBKR_CHAIN_STRIKES: '3' },
})
const sim = h.upstream

const params = { exchange: 'ibkr', underlying: 'SPY' } as const
const chainRequest = {
  queue: 'ibkr',
  name: 'ibkr.option-chain',
  data: { underlying: 'SPY' },
} as const
const SECDEF = ['/iserver/secdef/search', '/iserver/secdef/strikes', '/iserver/secdef/info']

const storedValue = <T>(key: string) => readValue<T>(h.redis, key)

describe('ibkr.option-chain against the simulator', () => {
  it('qualifies once, then refreshes the chain with snapshots only', async () => {
    const first = await h.run(chainRequest)
    expect(await first.getState()).toBe('completed')
    expect(first.returnvalue).toEqual({
      written: [h.key(instruments, params), h.key(optionChain, params)],
    })
    const before = (await sim.stats()).byEndpoint
    expect(before['/iserver/secdef/search']).toBe(1)
    expect(before['/iserver/secdef/strikes']).toBe(2)
    // Three strikes and two rights per month.
    expect(before['/iserver/secdef/info']).toBe(2 * 3 * 2)

    const second = await h.run(chainRequest)
    expect(await second.getState()).toBe('completed')
    expect(second.returnvalue).toEqual({ written: [h.key(optionChain, params)] })
    const after = (await sim.stats()).byEndpoint
    for (const endpoint of SECDEF) expect(after[endpoint], endpoint).toBe(before[endpoint])
    expect(after['/iserver/marketdata/snapshot']).toBeGreaterThan(
      before['/iserver/marketdata/snapshot'] ?? 0,
    )
  })

  it('serves each qualified contract once, calls and puts paired by expiry and strike', async () => {
    const qualified = await storedValue<Static<typeof instruments.value>>(
      h.key(instruments, params),
    )
    const chain = await storedValue<OptionChain>(h.key(optionChain, params))
    expect(Value.Check(optionChain.value, chain)).toBe(true)
    expect(chain.underlying_price).toBeGreaterThan(0)
    expect(chain.expiries.map((e) => e.expiry)).toEqual(qualified.expiries)

    const bySymbol = new Map(qualified.contracts.map((c) => [c.symbol, c]))
    const served: string[] = []
    for (const expiry of chain.expiries) {
      expect(expiry.strikes.length).toBeGreaterThan(0)
      expect(expiry.strikes.length).toBeLessThanOrEqual(3)
      for (const strike of expiry.strikes) {
        for (const right of ['call', 'put'] as const) {
          const quote = strike[right]
          if (quote === null) continue
          served.push(quote.symbol)
          expect(bySymbol.get(quote.symbol)).toMatchObject({
            expiry: expiry.expiry,
            strike: strike.strike,
            right,
          })
          // Parsed from the gateway's strings: plain numbers, IV as a fraction.
          for (const field of ['bid', 'ask', 'mark', 'iv', 'delta'] as const) {
            const value = quote[field]
            if (value !== null) expect(Number.isFinite(value), field).toBe(true)
          }
          if (quote.iv !== null) expect(quote.iv).toBeLessThan(5)
        }
      }
    }
    expect(new Set(served).size).toBe(served.length)
    expect(served.length).toBeGreaterThan(0)
    expect(qualified.contracts.every((c) => served.includes(c.symbol))).toBe(true)
  })
})
