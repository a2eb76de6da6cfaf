import { describe, expect, it } from 'vitest'
import { cacheKey } from '../src/dataset'
import { backtest } from '../src/datasets/backtest'
import { parseBacktestParams } from '../src/datasets/backtest-params'
import { type Collar, type CollarSet, collar } from '../src/datasets/collar'
import { groupCollars, selectCollars } from '../src/datasets/collar-selection'
import { InvalidParamError } from '../src/errors'
import { Keys } from '../src/keys'
import { movedBeyond } from '../src/read-decision'

// S = 100; put ask 2 at Kp = 95, call bid 1.5 at Kc = 110, 30 days:
// net_cost = 2 − 1.5 = 0.5; max_gain = (110 − 100) − 0.5 = 9.5; max_loss = (100 − 95) + 0.5 = 5.5;
// score = 9.5 / max(5.5, 0.01 × 100) = 9.5 / 5.5, the gain to risk (the floor of 1 does not bite)
const make = (overrides: Partial<Collar>): Collar => ({
  expiry: '2026-12-25T08:00:00.000Z',
  days_to_expiry: 30,
  put_strike: 95,
  call_strike: 110,
  put_ask: 2,
  call_bid: 1.5,
  net_cost: 0.5,
  max_gain: 9.5,
  max_loss: 5.5,
  gain_to_risk: 9.5 / 5.5,
  score: 9.5 / 5.5,
  breakeven: 100.5,
  protection: 0.05,
  ...overrides,
})
const E30 = { expiry: '2026-12-25T08:00:00.000Z', days_to_expiry: 30 }
const E5 = { expiry: '2026-11-27T08:00:00.000Z', days_to_expiry: 5 }
// 95 / 120, same legs' prices: gain (120 − 100) − 0.5 = 19.5, loss 5.5, both ratios 19.5 / 5.5
const wide = make({ call_strike: 120, max_gain: 19.5, gain_to_risk: 19.5 / 5.5, score: 19.5 / 5.5 })
// 99.5 / 101, ask 0.9, bid 1.1: net −0.2; gain 1 + 0.2 = 1.2, loss 0.5 − 0.2 = 0.3;
// gain to risk 1.2 / 0.3 = 4, score 1.2 / max(0.3, 1) = 1.2
const narrow = make({
  ...E5,
  put_strike: 99.5,
  call_strike: 101,
  put_ask: 0.9,
  call_bid: 1.1,
  net_cost: -0.2,
  breakeven: 99.8,
  max_gain: 1.2,
  max_loss: 0.3,
  gain_to_risk: 4,
  score: 1.2,
  protection: 0.005,
})
// A put struck above spot: 105 / 120, ask 6, bid 0.5: net 5.5; gain 20 − 5.5 = 14.5,
// loss −5 + 5.5 = 0.5; gain to risk 29, score 14.5 / max(0.5, 1) = 14.5
const itm = make({
  put_strike: 105,
  call_strike: 120,
  put_ask: 6,
  call_bid: 0.5,
  net_cost: 5.5,
  breakeven: 105.5,
  max_gain: 14.5,
  max_loss: 0.5,
  gain_to_risk: 29,
  score: 14.5,
  protection: -0.05,
})
const set: CollarSet = {
  exchange: 'bybit',
  underlying: 'BTC',
  spot: 100,
  as_of: '2026-11-22T00:00:00.000Z',
  inputs: { chain_as_of: '2026-11-22T00:00:00.000Z', spot_as_of: '2026-11-22T00:00:01.000Z' },
  total_count: 4,
  buckets: [
    { protection: '<0%', expiries: [{ ...E30, collars: [itm] }] },
    { protection: '0-2%', expiries: [{ ...E5, collars: [narrow] }] },
    { protection: '5-10%', expiries: [{ ...E30, collars: [make({}), wide] }] },
  ],
}

describe('selectCollars', () => {
  it('keeps out-of-the-money pairs and sorts by score, highest first, by default', () => {
    const { collars, matched } = selectCollars(set, {})
    expect(matched).toBe(3)
    // By gain to risk the narrow pair (4) would lead; its score (1.2) puts it last.
    expect(collars).toEqual([wide, make({}), narrow])
    expect(selectCollars(set, { sort: 'gain_to_risk' }).collars).toEqual([narrow, wide, make({})])
  })

  it('brings the in-the-money put back with moneyness=all', () => {
    const { collars, matched } = selectCollars(set, { moneyness: 'all' })
    expect(matched).toBe(4)
    expect(collars[0]).toEqual(itm)
  })

  it('filters by days and gain to risk, then limits', () => {
    expect(selectCollars(set, { min_days: 10 }).matched).toBe(2)
    expect(selectCollars(set, { max_days: 10 }).collars.map((c) => c.put_strike)).toEqual([99.5])
    expect(selectCollars(set, { min_gain_to_risk: 3.6 }).matched).toBe(1)
    expect(selectCollars(set, { limit: 1 }).collars).toHaveLength(1)
    expect(selectCollars(set, { limit: 1 }).matched).toBe(3)
  })

  it('sorts cost and days ascending', () => {
    expect(selectCollars(set, { sort: 'days_to_expiry' }).collars[0]?.days_to_expiry).toBe(5)
  })
})

describe('groupCollars', () => {
  it('by protection: each bucket selected alike, limit per bucket, empty buckets left out', () => {
    expect(groupCollars(set, 'protection', {})).toEqual([
      { protection: '0-2%', matched: 1, collars: [narrow] },
      { protection: '5-10%', matched: 2, collars: [wide, make({})] },
    ])
    expect(groupCollars(set, 'protection', { moneyness: 'all', limit: 1 })).toEqual([
      { protection: '<0%', matched: 1, collars: [itm] },
      { protection: '0-2%', matched: 1, collars: [narrow] },
      { protection: '5-10%', matched: 2, collars: [wide] },
    ])
  })

  it('by maturity: one group per expiry, ascending, across buckets', () => {
    expect(groupCollars(set, 'maturity', { moneyness: 'all' })).toEqual([
      { ...E5, matched: 1, collars: [narrow] },
      { ...E30, matched: 3, collars: [itm, wide, make({})] },
    ])
    expect(groupCollars(set, 'maturity', { min_days: 10 })).toEqual([
      { ...E30, matched: 2, collars: [wide, make({})] },
    ])
  })
})

describe('collar params', () => {
  it('defaults the exchange to bybit and requires an underlying', () => {
    expect(collar.parseParams({ underlying: 'btc' })).toEqual({
      exchange: 'bybit',
      underlying: 'BTC',
    })
    expect(() => collar.parseParams({})).toThrow('underlying is required')
  })

  it('reads the spot it is compared with from the spot entry of the same exchange', () => {
    expect(collar.staleWhen?.input({ exchange: 'bybit', underlying: 'BTC' })).toEqual({
      dataset: 'spot',
      params: { exchange: 'bybit', symbol: 'BTCUSDT' },
    })
    expect(collar.staleWhen?.read({ price: 101 })).toBe(101)
  })

  it('is stale past a 5 % move either way, not at 4 %', () => {
    expect(movedBeyond(100, 106, 0.05)).toBe(true)
    expect(movedBeyond(100, 94, 0.05)).toBe(true)
    expect(movedBeyond(100, 104, 0.05)).toBe(false)
  })
})

describe('backtest params', () => {
  const keys = new Keys('mc')

  it('applies defaults so equal requests share one key whatever their spelling', () => {
    const a = parseBacktestParams({ symbol: 'btcusdt' })
    const b = parseBacktestParams({
      initial_capital: '10000',
      symbol: 'BTCUSDT',
      exchange: 'bybit',
      interval: '1d',
      rsi_period: '14',
      oversold: '30',
      overbought: '70.0',
      fee_bps: 10,
    })
    expect(a).toEqual(b)
    expect(cacheKey(keys, backtest, a)).toBe(cacheKey(keys, backtest, b))
    expect(cacheKey(keys, backtest, a)).toMatch(
      /^mc:v1:backtest:rsi-mean-reversion:BTCUSDT:[0-9a-f]{16}$/,
    )
    expect(
      cacheKey(keys, backtest, parseBacktestParams({ symbol: 'BTCUSDT', fee_bps: 5 })),
    ).not.toBe(cacheKey(keys, backtest, a))
  })

  it.each([
    [{ symbol: 'BTCUSDT', interval: '5m' }, 'interval'],
    [{ symbol: 'BTCUSDT', rsi_period: '1' }, 'rsi_period'],
    [{ symbol: 'BTCUSDT', rsi_period: '14.5' }, 'rsi_period'],
    [{ symbol: 'BTCUSDT', oversold: '80' }, 'oversold'],
    [{ symbol: 'BTCUSDT', fee_bps: 'ten' }, 'fee_bps'],
    [{ symbol: 'BTCUSDT', start: '2026-13-01' }, 'start'],
    [{ symbol: 'BTCUSDT', end: '2025-02-30' }, 'end'],
    [{ symbol: 'BTCUSDT', start: '2026-02-01', end: '2026-01-01' }, 'start'],
    [{ symbol: 'BTCUSDT', initial_capital: '0' }, 'initial_capital'],
    [{ symbol: 'BTC-USDT' }, 'symbol'],
  ])('rejects %j naming %s', (raw, param) => {
    try {
      parseBacktestParams(raw)
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidParamError)
      expect((error as InvalidParamError).param).toBe(param)
    }
  })
})
