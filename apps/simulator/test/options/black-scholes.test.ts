import { describe, expect, it } from 'vitest'
import {
  impliedVol,
  normalCdf,
  OptionRight,
  optionGreeks,
  optionPrice,
  type PricingInput,
} from '../../src/options/black-scholes'

const CASES: Array<Omit<PricingInput, 'right'>> = [
  { spot: 90_000, strike: 95_000, years: 7 / 365, vol: 0.55, rate: 0, dividendYield: 0 },
  { spot: 3_000, strike: 2_000, years: 0.5, vol: 0.7, rate: 0, dividendYield: 0 },
  { spot: 670, strike: 700, years: 30 / 365, vol: 0.14, rate: 0.045, dividendYield: 0.012 },
  { spot: 270, strike: 200, years: 1, vol: 0.3, rate: 0.045, dividendYield: 0.004 },
  { spot: 430, strike: 430, years: 1 / 365, vol: 0.55, rate: 0.045, dividendYield: 0 },
]
const call = (input: Omit<PricingInput, 'right'>) => ({ ...input, right: OptionRight.call })
const put = (input: Omit<PricingInput, 'right'>) => ({ ...input, right: OptionRight.put })

describe('Black–Scholes', () => {
  it('computes the normal CDF to double precision', () => {
    expect(normalCdf(0)).toBe(0.5)
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 12)
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980316301, 14)
    expect(normalCdf(10) + normalCdf(-10)).toBeCloseTo(1, 15)
  })

  it.each(CASES)('satisfies put–call parity: %o', (input) => {
    const parity =
      input.spot * Math.exp(-input.dividendYield * input.years) -
      input.strike * Math.exp(-input.rate * input.years)

    expect(optionPrice(call(input)) - optionPrice(put(input))).toBeCloseTo(parity, 6)
  })

  it.each(CASES)('has greeks of the right sign and size: %o', (input) => {
    const c = optionGreeks(call(input))
    const p = optionGreeks(put(input))

    expect(c.delta).toBeGreaterThan(0)
    expect(c.delta).toBeLessThanOrEqual(1)
    expect(p.delta).toBeLessThan(0)
    expect(p.delta).toBeGreaterThanOrEqual(-1)
    expect(c.delta - p.delta).toBeCloseTo(Math.exp(-input.dividendYield * input.years), 12)
    expect(c.gamma).toBeGreaterThan(0)
    expect(c.gamma).toBeCloseTo(p.gamma, 15)
    expect(c.vega).toBeGreaterThan(0)
    // Vega per vol point: a 1-point move changes the price by about vega.
    const bumped = optionPrice({ ...call(input), vol: input.vol + 0.01 }) - optionPrice(call(input))
    expect(bumped / c.vega).toBeCloseTo(1, 1)
    // Theta per day: a day's decay changes the price by about theta.
    const dayLater = optionPrice({ ...call(input), years: input.years - 0.1 / 365 })
    expect(((dayLater - optionPrice(call(input))) * 10) / c.theta).toBeCloseTo(1, 1)
  })

  it('recovers the volatility from a price, and refuses impossible prices', () => {
    for (const input of CASES) {
      for (const priced of [call(input), put(input)]) {
        const price = optionPrice(priced)
        if (price < 1e-6) continue
        const { vol: _vol, ...rest } = priced
        expect(impliedVol(price, rest)).toBeCloseTo(input.vol, 5)
      }
    }
    const { vol: _vol, ...deepCall } = call(CASES[3]!)
    expect(impliedVol(1, deepCall)).toBeUndefined()
    expect(impliedVol(500, deepCall)).toBeUndefined()
  })
})
