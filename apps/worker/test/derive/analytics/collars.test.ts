import { CollarValue } from '@marketcache/shared/datasets/collar'
import { Value } from '@sinclair/typebox/value'
import { describe, expect, it } from 'vitest'
import {
  collarSet,
  expiryCollars,
  priceCollar,
  protectionBucket,
} from '../../../src/derive/analytics/collars'
import { moneyRounding, significant } from '../../../src/derive/analytics/precision'
import { handChain, S } from './hand-chain'

const E1 = { expiry: '2099-01-31T08:00:00.000Z', days_to_expiry: 30 }
const E2 = { expiry: '2099-03-02T08:00:00.000Z', days_to_expiry: 60 }

/*
 * By hand, S = 100. Per pair (Kp < Kc, same expiry), pay the put's ask, receive the call's bid:
 *   net_cost = put ask − call bid        max_gain = (Kc − S) − net_cost
 *   max_loss = (S − Kp) + net_cost       gain_to_risk = max_gain / max_loss
 *   breakeven = S + net_cost             protection = (S − Kp) / S
 *   score = max_gain / max(max_loss, 0.01 × S) = max_gain / max(max_loss, 1)
 * Every loss below is at least 1, so each score equals its gain to risk.
 *
 * E1 (30 days)
 *   90/100:  net = 1.5 − 4 = −2.5; gain = 0 + 2.5 = 2.5; loss = 10 − 2.5 = 7.5;
 *            g/r = 2.5 / 7.5 = 0.333333; breakeven 97.5; protection 10/100 = 0.1 → "10-20%"
 *   90/110:  net = 1.5 − 1 = 0.5; gain = 10 − 0.5 = 9.5; loss = 10 + 0.5 = 10.5;
 *            g/r = 9.5 / 10.5 = 0.904762; breakeven 100.5; protection 0.1 → "10-20%"
 *   100/110: net = 4.8 − 1 = 3.8; gain = 10 − 3.8 = 6.2; loss = 0 + 3.8 = 3.8;
 *            g/r = 6.2 / 3.8 = 1.63158; breakeven 103.8; protection 0 → "0-2%"
 *   (the 110 put has no higher call)
 * E2 (60 days)
 *   95/105:  the 105 call has no bid → dropped
 *   95/110:  net = 0.9 − 0.5 = 0.4; gain = 10 − 0.4 = 9.6; loss = 5 + 0.4 = 5.4;
 *            g/r = 9.6 / 5.4 = 1.77778; breakeven 100.4; protection 5/100 = 0.05 → "5-10%"
 *   105/110: net = 5.5 − 0.5 = 5; loss = (100 − 105) + 5 = 0 → not positive, dropped
 * Total: 4 collars.
 */
const E1_90_100 = {
  ...E1,
  put_strike: 90,
  call_strike: 100,
  put_ask: 1.5,
  call_bid: 4,
  net_cost: -2.5,
  max_gain: 2.5,
  max_loss: 7.5,
  gain_to_risk: 0.333333,
  score: 0.333333,
  breakeven: 97.5,
  protection: 0.1,
}
const E1_90_110 = {
  ...E1,
  put_strike: 90,
  call_strike: 110,
  put_ask: 1.5,
  call_bid: 1,
  net_cost: 0.5,
  max_gain: 9.5,
  max_loss: 10.5,
  gain_to_risk: 0.904762,
  score: 0.904762,
  breakeven: 100.5,
  protection: 0.1,
}
const E1_100_110 = {
  ...E1,
  put_strike: 100,
  call_strike: 110,
  put_ask: 4.8,
  call_bid: 1,
  net_cost: 3.8,
  max_gain: 6.2,
  max_loss: 3.8,
  gain_to_risk: 1.63158,
  score: 1.63158,
  breakeven: 103.8,
  protection: 0,
}
const E2_95_110 = {
  ...E2,
  put_strike: 95,
  call_strike: 110,
  put_ask: 0.9,
  call_bid: 0.5,
  net_cost: 0.4,
  max_gain: 9.6,
  max_loss: 5.4,
  gain_to_risk: 1.77778,
  score: 1.77778,
  breakeven: 100.4,
  protection: 0.05,
}

const [e1, e2] = handChain().expiries as [
  ReturnType<typeof handChain>['expiries'][number],
  ReturnType<typeof handChain>['expiries'][number],
]

describe('collar formulas, against the hand-worked 3-strike chain', () => {
  it('prices one collar: net cost, max gain and loss, gain to risk, breakeven, protection', () => {
    expect(priceCollar(E1, S, { strike: 90, price: 1.5 }, { strike: 110, price: 1 })).toEqual(
      E1_90_110,
    )
  })

  it('floors the risk of the score at 1 % of spot: a near-riskless pair ranks by its gain', () => {
    // 99.5 put at ask 0.9, 101 call at bid 1.1: net = 0.9 − 1.1 = −0.2;
    // gain = (101 − 100) + 0.2 = 1.2; loss = (100 − 99.5) − 0.2 = 0.3;
    // gain to risk = 1.2 / 0.3 = 4, but score = 1.2 / max(0.3, 0.01 × 100) = 1.2 / 1 = 1.2:
    // below E2 95/110 (1.77778), where gain to risk (4 > 1.77778) would put it first.
    const narrow = priceCollar(E1, S, { strike: 99.5, price: 0.9 }, { strike: 101, price: 1.1 })
    expect(narrow).toMatchObject({
      net_cost: -0.2,
      max_gain: 1.2,
      max_loss: 0.3,
      gain_to_risk: 4,
      score: 1.2,
      breakeven: 99.8,
      protection: 0.005,
    })
    expect(narrow.score).toBeLessThan(E2_95_110.score)
    expect(narrow.gain_to_risk).toBeGreaterThan(E2_95_110.gain_to_risk)
  })

  it('prices a put struck above spot as it is: negative protection, in the <0% bucket', () => {
    // 105 put at ask 6, 120 call at bid 0.5: net = 6 − 0.5 = 5.5; gain = 20 − 5.5 = 14.5;
    // loss = (100 − 105) + 5.5 = 0.5; gain to risk = 29; score = 14.5 / max(0.5, 1) = 14.5;
    // protection = (100 − 105) / 100 = −0.05.
    const itm = priceCollar(E1, S, { strike: 105, price: 6 }, { strike: 120, price: 0.5 })
    expect(itm).toMatchObject({
      net_cost: 5.5,
      max_gain: 14.5,
      max_loss: 0.5,
      gain_to_risk: 29,
      score: 14.5,
      breakeven: 105.5,
      protection: -0.05,
    })
    expect(protectionBucket(itm.protection).name).toBe('<0%')
  })

  it('E1: every put with an ask against every higher call with a bid, by put then call strike', () => {
    expect(expiryCollars(e1, S)).toEqual([E1_90_100, E1_90_110, E1_100_110])
  })

  it('E2: drops a pair whose call has no bid and a pair whose max loss is not positive', () => {
    expect(expiryCollars(e2, S)).toEqual([E2_95_110])
  })

  it('drops pairs whose put has no ask', () => {
    const chain = handChain()
    const first = chain.expiries[0]?.strikes[0]?.put
    if (first) first.ask = null
    // Without the 90 put's ask only 100/110 is left in E1.
    expect(expiryCollars(chain.expiries[0] as typeof e1, S)).toEqual([E1_100_110])
  })

  it('organises the set by protection bucket, then expiry; counts every collar', () => {
    const inputs = {
      chain_as_of: '2099-01-01T08:00:00.000Z',
      spot_as_of: '2099-01-01T07:59:30.000Z',
    }
    const set = collarSet({ chain: handChain(), spot: S, asOf: inputs.spot_as_of, inputs })
    expect(set).toEqual({
      exchange: 'bybit',
      underlying: 'TEST',
      spot: 100,
      as_of: '2099-01-01T07:59:30.000Z',
      inputs,
      total_count: 4,
      buckets: [
        { protection: '<0%', expiries: [] },
        { protection: '0-2%', expiries: [{ ...E1, collars: [E1_100_110] }] },
        { protection: '2-5%', expiries: [] },
        { protection: '5-10%', expiries: [{ ...E2, collars: [E2_95_110] }] },
        { protection: '10-20%', expiries: [{ ...E1, collars: [E1_90_100, E1_90_110] }] },
        { protection: '20%+', expiries: [] },
      ],
    })
    expect(Value.Check(CollarValue, set)).toBe(true)
  })

  it('lists expiries ascending inside a bucket even when the chain is not', () => {
    // E1 again, 60 days later, listed before E1: each of E1's buckets holds both, E1 first.
    const chain = handChain()
    const later = { ...e1, expiry: '2099-04-01T08:00:00.000Z', days_to_expiry: 90 }
    chain.expiries = [later, e1]
    const set = collarSet({
      chain,
      spot: S,
      asOf: chain.as_of,
      inputs: { chain_as_of: chain.as_of, spot_as_of: chain.as_of },
    })
    const daysIn = (name: string) =>
      set.buckets.find((b) => b.protection === name)?.expiries.map((e) => e.days_to_expiry)
    expect(daysIn('0-2%')).toEqual([30, 90])
    expect(daysIn('10-20%')).toEqual([30, 90])
    expect(set.total_count).toBe(6)
  })
})

describe('protection buckets', () => {
  it('puts each boundary in the bucket it starts', () => {
    expect(protectionBucket(-0.3).name).toBe('<0%')
    expect(protectionBucket(-0.000001).name).toBe('<0%')
    expect(protectionBucket(0).name).toBe('0-2%')
    expect(protectionBucket(0.0199999).name).toBe('0-2%')
    expect(protectionBucket(0.02).name).toBe('2-5%')
    expect(protectionBucket(0.05).name).toBe('5-10%')
    expect(protectionBucket(0.1).name).toBe('10-20%')
    expect(protectionBucket(0.2).name).toBe('20%+')
  })
})

describe('rounding', () => {
  it('gives money a fixed number of decimals at the spot scale: 3 for BTC, 5 for a 100 stock', () => {
    expect(moneyRounding(97_250.42)(1515.0799999999999)).toBe(1515.08)
    expect(moneyRounding(97_250.42)(0.123456)).toBe(0.123)
    expect(moneyRounding(100)(0.1 + 0.2)).toBe(0.3)
    expect(moneyRounding(100)(0.123456)).toBe(0.12346)
    expect(Object.is(moneyRounding(100)(-1e-12), 0)).toBe(true)
  })

  it('gives ratios 6 significant digits', () => {
    expect(significant(2 / 3)).toBe(0.666667)
    expect(significant(-0.16000000000000003)).toBe(-0.16)
    expect(significant(0)).toBe(0)
  })
})
