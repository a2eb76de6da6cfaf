import { describe, expect, it } from 'vitest'
import { backtest } from '../src/datasets/backtest'
import { collar } from '../src/datasets/collar'
import { InvalidParamError } from '../src/errors'
import { invalidationScope, matchParts, paramsOfKey, segmentParams } from '../src/invalidation'
import { Keys } from '../src/keys'

const keys = new Keys('mc')

describe('invalidation scopes', () => {
  it('knows which params a key shows, and which it digests', () => {
    expect(segmentParams(collar)).toEqual(['exchange', 'underlying'])
    const backtestParams = segmentParams(backtest)
    expect(backtestParams).toContain('symbol')
    expect(backtestParams).not.toContain('rsi_period')
  })

  it('builds a case-blind pattern from a match and confirms each key', () => {
    const scope = invalidationScope(keys, { dataset: 'collar', match: { underlying: 'btc' } })
    if (!('pattern' in scope)) throw new Error('expected a pattern')
    expect(scope.pattern).toBe('mc:v2:collar:*:[bB][tT][cC]')
    expect(scope.covers('mc:v2:collar:bybit:BTC')?.name).toBe('collar')
    expect(scope.covers('mc:v2:collar:bybit:ETH')).toBeNull()
    // SCAN's `*` spans `:`; a key of another shape is not covered.
    expect(scope.covers('mc:v2:collar:bybit:x:BTC')).toBeNull()
    expect(scope.covers('mc:v1:option-chain:bybit:BTC')).toBeNull()
    expect(paramsOfKey(keys, collar, 'mc:v2:collar:ibkr:SPY')).toEqual({
      exchange: 'ibkr',
      underlying: 'SPY',
    })
  })

  it('covers every cache key of ours with all, and none of our other keys', () => {
    const scope = invalidationScope(keys, { all: true })
    if (!('pattern' in scope)) throw new Error('expected a pattern')
    expect(scope.covers('mc:v1:coin:bitcoin')?.name).toBe('coin')
    expect(scope.covers('mc:stats:reads')).toBeNull()
    expect(scope.covers('mc:v1:nothing:here')).toBeNull()
  })

  it.each([
    [{}, 'match names no parameter'],
    [{ strike: '100' }, 'match.strike is not a parameter of collar'],
    [{ underlying: 'B*' }, 'match.underlying must be 1-64 characters'],
    [{ underlying: 'x'.repeat(65) }, 'match.underlying must be 1-64 characters'],
    [{ exchange: 'nyse' }, 'match.exchange "nyse" is not a valid exchange'],
  ])('refuses the match %j', (match, message) => {
    expect(() => matchParts(collar, match as Record<string, string>)).toThrow(InvalidParamError)
    expect(() => matchParts(collar, match as Record<string, string>)).toThrow(message)
  })

  it('refuses a match on a param the key digests', () => {
    expect(() => matchParts(backtest, { rsi_period: '14' })).toThrow('cannot be matched')
  })

  it('refuses an unknown dataset and bad params of one entry', () => {
    expect(() => invalidationScope(keys, { dataset: 'nope' })).toThrow('dataset must be one of')
    expect(() =>
      invalidationScope(keys, { dataset: 'collar', params: { underlying: 'BTC', foo: '1' } }),
    ).toThrow('params.foo is not a parameter of collar')
  })
})
