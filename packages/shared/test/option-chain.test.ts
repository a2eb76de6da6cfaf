import { describe, expect, it } from 'vitest'
import { filterChain, type OptionChain } from '../src/datasets/option-chain'

const quote = (symbol: string) => ({
  symbol,
  bid: 1,
  ask: 2,
  mark: 1.5,
  iv: 0.5,
  delta: 0.5,
  gamma: 0.01,
  vega: 0.1,
  theta: -0.2,
  open_interest: 10,
  volume: 1,
})
const strikes = (expiry: string, values: number[]) =>
  values.map((strike) => ({
    strike,
    call: quote(`${expiry}-${strike}-C`),
    put: quote(`${expiry}-${strike}-P`),
  }))

const chain: OptionChain = {
  exchange: 'bybit',
  underlying: 'BTC',
  underlying_price: 100,
  as_of: '2026-11-22T00:00:00.000Z',
  expiries: [
    {
      expiry: '2026-11-23T08:00:00.000Z',
      days_to_expiry: 1.33,
      strikes: strikes('d1', [90, 100, 110]),
    },
    {
      expiry: '2026-11-27T08:00:00.000Z',
      days_to_expiry: 5.33,
      strikes: strikes('w1', [80, 100, 120]),
    },
    {
      expiry: '2026-12-25T08:00:00.000Z',
      days_to_expiry: 33.33,
      strikes: strikes('m1', [60, 100, 140]),
    },
  ],
}

describe('filterChain', () => {
  it('returns the chain unchanged without filters', () => {
    expect(filterChain(chain, {})).toEqual(chain)
  })

  it('selects one expiry by its date', () => {
    expect(filterChain(chain, { expiry: '2026-11-27' }).expiries.map((e) => e.expiry)).toEqual([
      '2026-11-27T08:00:00.000Z',
    ])
  })

  it('selects by days to expiry and strike range, dropping what is left empty', () => {
    const filtered = filterChain(chain, { minDays: 2, maxDays: 40, minStrike: 100, maxStrike: 130 })
    expect(
      filtered.expiries.map((e) => [e.expiry.slice(0, 10), e.strikes.map((s) => s.strike)]),
    ).toEqual([
      ['2026-11-27', [100, 120]],
      ['2026-12-25', [100]],
    ])
    expect(filterChain(chain, { minStrike: 1000 }).expiries).toEqual([])
  })

  it('keeps one side with right', () => {
    const calls = filterChain(chain, { right: 'call' })
    for (const expiry of calls.expiries) {
      for (const s of expiry.strikes) {
        expect(s.put).toBeNull()
        expect(s.call?.symbol.endsWith('-C')).toBe(true)
      }
    }
  })

  it('composes: filtering twice equals filtering once with both', () => {
    const once = filterChain(chain, { maxDays: 10, right: 'put' })
    expect(filterChain(filterChain(chain, { maxDays: 10 }), { right: 'put' })).toEqual(once)
  })
})
