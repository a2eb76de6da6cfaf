import { OptionsSummaryValue } from '@marketcache/shared/datasets/options-summary'
import { Value } from '@sinclair/typebox/value'
import { describe, expect, it } from 'vitest'
import {
  atmIv,
  ivAtDelta,
  maxPain,
  putCallRatio,
  summariseChain,
  summariseExpiry,
} from '../../../src/derive/analytics/options-summary'
import { handChain } from './hand-chain'

/*
 * By hand, underlying price 100.
 *
 * E1 (30 days)
 *   OI ratio      puts 40 + 20 + 5 = 65, calls 10 + 30 + 50 = 90   → 65 / 90 = 0.722222
 *   volume ratio  puts 8 + 4 + 0 = 12,   calls 1 + 6 + 10 = 17     → 12 / 17 = 0.705882
 *   ATM IV        nearest strike 100: (0.50 + 0.52) / 2             = 0.51
 *   25Δ call      |Δ − 0.25|: 90 .55, 100 .27, 110 .03 → 110 call, IV 0.46
 *   25Δ put       |Δ + 0.25|: 90 .05, 100 .23, 110 .53 → 90 put,   IV 0.62
 *   risk reversal 0.46 − 0.62 = −0.16
 *   butterfly     (0.46 + 0.62) / 2 − 0.51 = 0.54 − 0.51 = 0.03
 *   max pain      pain(K*) = Σ call OI·max(0, K* − K) + Σ put OI·max(0, K − K*)
 *                 K* = 90:  calls 0;                       puts 20·10 + 5·20 = 300
 *                 K* = 100: calls 10·10 = 100;             puts 5·10 = 50      → 150
 *                 K* = 110: calls 10·20 + 30·10 = 500;     puts 0              → 500
 *                 → 100
 * E2 (60 days)
 *   OI ratio      calls 0 + 0 = 0 → null;  volume ratio: calls 0 → null
 *   ATM IV        95 and 105 are both 5 away: the lower, 95, quotes only a put IV → 0.60
 *   25Δ call      105 .05, 110 .07 → 105 call, IV 0.50
 *   25Δ put       95 .13, 105 .41  → 95 put,   IV 0.60
 *   risk reversal 0.50 − 0.60 = −0.10
 *   butterfly     (0.50 + 0.60) / 2 − 0.60 = −0.05
 *   max pain      K* = 95: put 105 3·10 = 30;  K* = 105: 0;  K* = 110: 0 → tie, the lower: 105
 * Term structure: 30 days 0.51, 60 days 0.60.
 */
const E1_SUMMARY = {
  expiry: '2099-01-31T08:00:00.000Z',
  days_to_expiry: 30,
  put_call_oi_ratio: 0.722222,
  put_call_volume_ratio: 0.705882,
  atm_iv: 0.51,
  risk_reversal_25d: -0.16,
  butterfly_25d: 0.03,
  max_pain: 100,
}
const E2_SUMMARY = {
  expiry: '2099-03-02T08:00:00.000Z',
  days_to_expiry: 60,
  put_call_oi_ratio: null,
  put_call_volume_ratio: null,
  atm_iv: 0.6,
  risk_reversal_25d: -0.1,
  butterfly_25d: -0.05,
  max_pain: 105,
}

const chain = handChain()
const e1 = chain.expiries[0] as (typeof chain.expiries)[number]
const e2 = chain.expiries[1] as (typeof chain.expiries)[number]

describe('options summary formulas, against the hand-worked 3-strike chain', () => {
  it('put/call ratios of open interest and volume; null when the call side sums to 0', () => {
    expect(putCallRatio(e1.strikes, 'open_interest')).toBe(0.722222)
    expect(putCallRatio(e1.strikes, 'volume')).toBe(0.705882)
    expect(putCallRatio(e2.strikes, 'open_interest')).toBeNull()
    expect(putCallRatio(e2.strikes, 'volume')).toBeNull()
  })

  it('ATM IV: the mean of both sides at the nearest strike, one side when only one quotes', () => {
    expect(atmIv(e1.strikes, 100)).toBe(0.51)
    expect(atmIv(e2.strikes, 100)).toBe(0.6)
    // Nearer 105 than 95: both sides there.
    expect(atmIv(e2.strikes, 101)).toBe(0.51)
    expect(atmIv([{ strike: 100, call: null, put: null }], 100)).toBeNull()
  })

  it('25-delta wings: the IV of the quote whose delta is nearest ±0.25', () => {
    expect(
      ivAtDelta(
        e1.strikes.map((s) => s.call),
        0.25,
      ),
    ).toBe(0.46)
    expect(
      ivAtDelta(
        e1.strikes.map((s) => s.put),
        -0.25,
      ),
    ).toBe(0.62)
    expect(
      ivAtDelta(
        e2.strikes.map((s) => s.call),
        0.25,
      ),
    ).toBe(0.5)
    expect(
      ivAtDelta(
        e2.strikes.map((s) => s.put),
        -0.25,
      ),
    ).toBe(0.6)
    // A quote without an IV cannot be a wing, however near its delta.
    const call = e1.strikes[2]?.call
    expect(ivAtDelta([call ? { ...call, iv: null } : null], 0.25)).toBeNull()
  })

  it('max pain: the strike minimising what holders collect; null without open interest', () => {
    expect(maxPain(e1.strikes)).toBe(100)
    expect(maxPain(e2.strikes)).toBe(105)
    const none = e1.strikes.map((s) => ({
      ...s,
      call: s.call && { ...s.call, open_interest: null },
      put: s.put && { ...s.put, open_interest: 0 },
    }))
    expect(maxPain(none)).toBeNull()
  })

  it('summarises each expiry: ratios, ATM IV, 25Δ risk reversal and butterfly, max pain', () => {
    expect(summariseExpiry(e1, 100)).toEqual(E1_SUMMARY)
    expect(summariseExpiry(e2, 100)).toEqual(E2_SUMMARY)
  })

  it('summarises the chain, with the ATM term structure, as of the chain', () => {
    const summary = summariseChain(handChain())
    expect(summary).toEqual({
      exchange: 'bybit',
      underlying: 'TEST',
      underlying_price: 100,
      as_of: '2099-01-01T08:00:00.000Z',
      expiries: [E1_SUMMARY, E2_SUMMARY],
      term_structure: [
        { days_to_expiry: 30, atm_iv: 0.51 },
        { days_to_expiry: 60, atm_iv: 0.6 },
      ],
    })
    expect(Value.Check(OptionsSummaryValue, summary)).toBe(true)
  })

  it('leaves an expiry without any IV out of the term structure, its IV figures null', () => {
    const noIv = handChain()
    for (const strike of noIv.expiries[1]?.strikes ?? []) {
      if (strike.call) strike.call.iv = null
      if (strike.put) strike.put.iv = null
    }
    const summary = summariseChain(noIv)
    expect(summary.expiries[1]).toMatchObject({
      atm_iv: null,
      risk_reversal_25d: null,
      butterfly_25d: null,
      max_pain: 105,
    })
    expect(summary.term_structure).toEqual([{ days_to_expiry: 30, atm_iv: 0.51 }])
  })
})
