import { describe, expect, it } from 'vitest'
import { OptionRight } from '../../src/options/black-scholes'
import { cryptoExpiries, equityExpiries } from '../../src/options/expiries'
import { smileVol } from '../../src/options/underlyings'
import { optionUniverse } from '../../src/options/universe'

const NOW = Date.UTC(2025, 0, 15, 12, 0, 3)
const iso = (at: number) => new Date(at).toISOString()

describe('expiry calendars', () => {
  it('lists crypto dailies, weeklies, monthlies and quarterlies at 08:00 UTC, deduplicated', () => {
    const expiries = cryptoExpiries(NOW).map((e) => [iso(e.at).slice(0, 16), e.kind])

    expect(expiries).toEqual([
      ['2025-01-16T08:00', 'daily'],
      ['2025-01-17T08:00', 'weekly'],
      ['2025-01-18T08:00', 'daily'],
      ['2025-01-24T08:00', 'weekly'],
      ['2025-01-31T08:00', 'monthly'],
      ['2025-02-07T08:00', 'weekly'],
      ['2025-02-28T08:00', 'monthly'],
      ['2025-03-28T08:00', 'quarterly'],
      ['2025-06-27T08:00', 'quarterly'],
      ['2025-09-26T08:00', 'quarterly'],
    ])
  })

  it('drops an expiry once its time has come', () => {
    const atExpiry = Date.UTC(2025, 0, 16, 8)

    expect(iso(cryptoExpiries(atExpiry - 1)[0]!.at)).toBe('2025-01-16T08:00:00.000Z')
    expect(iso(cryptoExpiries(atExpiry)[0]!.at)).toBe('2025-01-17T08:00:00.000Z')
  })

  it('lists equity weeklies and third-Friday monthlies at 16:00 New York, across DST', () => {
    const expiries = equityExpiries(NOW).map((e) => [iso(e.at).slice(0, 16), e.kind])

    expect(expiries).toEqual([
      ['2025-01-17T21:00', 'monthly'],
      ['2025-01-24T21:00', 'weekly'],
      ['2025-01-31T21:00', 'weekly'],
      ['2025-02-07T21:00', 'weekly'],
      ['2025-02-21T21:00', 'monthly'],
      // New York is on daylight time by 21 March: 16:00 EDT is 20:00 UTC.
      ['2025-03-21T20:00', 'monthly'],
    ])
  })
})

describe('optionUniverse', () => {
  const universe = optionUniverse(42, NOW)

  it('covers the crypto and equity underlyings at realistic spots', () => {
    const spots = Object.fromEntries(
      [...universe].map(([symbol, { quotes }]) => [symbol, quotes[0]!.spot]),
    )

    expect(Object.keys(spots)).toEqual([
      'BTC',
      'ETH',
      'SOL',
      'SPY',
      'QQQ',
      'AAPL',
      'MSFT',
      'TSLA',
      'GOOGL',
      'AMZN',
      'NVDA',
      'META',
    ])
    expect(spots.BTC).toBeGreaterThan(50_000)
    expect(spots.ETH).toBeGreaterThan(1_500)
    expect(spots.SOL).toBeGreaterThan(60)
    expect(spots.SPY).toBeGreaterThan(500)
    expect(spots.AAPL).toBeGreaterThan(150)
    expect(spots.NVDA).toBeGreaterThan(100)
    expect(spots.META).toBeGreaterThan(400)
  })

  it('lays out 20–40 strikes per expiry around the forward, with calls and puts at each', () => {
    for (const [symbol, { chain, quotes }] of universe) {
      for (const expiry of chain.expiries) {
        expect(expiry.strikes.length, `${symbol} ${iso(expiry.at)}`).toBeGreaterThanOrEqual(20)
        expect(expiry.strikes.length).toBeLessThanOrEqual(40)
        const spot = quotes[0]!.spot
        expect(expiry.strikes[0]).toBeLessThan(spot)
        expect(expiry.strikes.at(-1)).toBeGreaterThan(spot)
        const rights = quotes.filter((q) => q.contract.expiry.at === expiry.at)
        expect(rights.filter((q) => q.contract.right === OptionRight.call)).toHaveLength(
          expiry.strikes.length,
        )
        expect(rights.filter((q) => q.contract.right === OptionRight.put)).toHaveLength(
          expiry.strikes.length,
        )
      }
    }
  })

  it('uses finer steps near the money and wider ladders for far expiries', () => {
    const btc = universe.get('BTC')!.chain.expiries
    const step = (strikes: readonly number[]) =>
      Math.min(...strikes.slice(1).map((strike, i) => strike - strikes[i]!))
    const span = (strikes: readonly number[]) => strikes.at(-1)! / strikes[0]!

    expect(step(btc[0]!.strikes)).toBeLessThanOrEqual(1_000)
    expect(step(btc.at(-1)!.strikes)).toBeGreaterThan(step(btc[0]!.strikes))
    expect(span(btc.at(-1)!.strikes)).toBeGreaterThan(span(btc[0]!.strikes))
  })

  it('marks every contract with sane quotes: bid below ask, some without a bid', () => {
    for (const [symbol, { quotes }] of universe) {
      const noBid = quotes.filter((q) => q.bid === undefined)
      expect(noBid.length, symbol).toBeGreaterThan(0)
      for (const q of quotes) {
        expect(q.ask).toBeGreaterThan(q.bid ?? 0)
        expect(q.ask).toBeGreaterThanOrEqual(q.mark)
        expect(q.bid ?? 0).toBeLessThanOrEqual(q.mark)
        expect(q.openInterest).toBeGreaterThan(0)
        expect(q.volume24h).toBeGreaterThan(0)
      }
    }
  })

  it('prices a smile: the wings above the money, puts richer than calls for stocks', () => {
    for (const [symbol, { quotes }] of universe) {
      const expiry = quotes.at(-1)!.contract.expiry
      const calls = quotes.filter(
        (q) => q.contract.expiry.at === expiry.at && q.contract.right === 'C',
      )
      const atm = calls.reduce((best, q) =>
        Math.abs(q.contract.strike - q.forward) < Math.abs(best.contract.strike - best.forward)
          ? q
          : best,
      )
      expect(calls[0]!.markIv, symbol).toBeGreaterThan(atm.markIv)
      // Crypto smiles turn up on both wings; equity skew can keep the upside below the money.
      if (['BTC', 'ETH', 'SOL'].includes(symbol)) {
        expect(calls.at(-1)!.markIv, symbol).toBeGreaterThan(atm.markIv)
      }
    }
    const spy = { atmVol: 0.15, skew: -0.35, curvature: 1 }
    expect(smileVol(spy, 100, 90)).toBeGreaterThan(smileVol(spy, 100, 110))
    expect(smileVol(spy, 100, 100)).toBe(0.15)
  })

  it('is a pure function of seed and clock', () => {
    const again = optionUniverse(42, NOW)
    const other = optionUniverse(43, NOW)
    const quotes = (u: typeof universe) =>
      JSON.stringify(u.get('ETH')!.quotes.map((q) => [q.mark, q.bid, q.openInterest]))

    expect(quotes(again)).toBe(quotes(universe))
    expect(quotes(other)).not.toBe(quotes(universe))
  })
})
