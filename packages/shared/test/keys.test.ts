import { describe, expect, it } from 'vitest'
import { cacheKey } from '../src/dataset'
import { InvalidParamError } from '../src/errors'
import { canonicalJson, dedupId, digest, Keys, keySegment } from '../src/keys'
import { datasets } from '../src/registry'

describe('keySegment', () => {
  it.each(['bitcoin', 'usd-coin', 'avalanche-2', 'BTC', 'a.b_c', 'x'.repeat(64)])(
    'accepts %s',
    (value) => {
      expect(keySegment('id', value)).toBe(value)
    },
  )

  it.each([
    'bit:coin',
    'bit*coin',
    'bit coin',
    'x'.repeat(65),
    '',
    'bit?coin',
    'a[b]',
    'bit|coin',
    'bitcoin\n',
  ])('rejects %j with an error naming the parameter', (value) => {
    expect(() => keySegment('id', value)).toThrow(InvalidParamError)
    expect(() => keySegment('id', value)).toThrow(/^id must be/)
  })
})

describe('Keys', () => {
  it('builds versioned cache keys', () => {
    expect(new Keys('mc').cache('coin', 1, ['bitcoin'])).toBe('mc:v1:coin:bitcoin')
  })

  it('accepts a cluster hash-tag prefix and rejects glob prefixes', () => {
    expect(new Keys('{mc}').writtenChannel()).toBe('{mc}:events:written')
    expect(() => new Keys('mc*')).toThrow(/prefix/)
    expect(() => new Keys('a:b')).toThrow(/prefix/)
  })

  it('names rate-limit namespaces outside the cache pattern, with a validated scope', () => {
    const keys = new Keys('mc')
    expect(keys.rateLimit('costly')).toBe('mc:ratelimit:costly:')
    expect(keys.datasetOf(`${keys.rateLimit('all')}ip-10.0.0.1`)).toBeNull()
    expect(() => keys.rateLimit('a*')).toThrow(/scope/)
  })

  it('tells which dataset a cache key belongs to, and ignores other keys', () => {
    const keys = new Keys('mc')
    expect(keys.cachePattern()).toBe('mc:v*:*')
    expect(keys.datasetOf('mc:v1:option-chain:bybit:BTC')).toBe('option-chain')
    expect(keys.datasetOf('mc:stats:reads')).toBeNull()
    expect(keys.datasetOf('other:v1:coin:bitcoin')).toBeNull()
  })

  it('gives a SCAN pattern that matches every schema version of a dataset', () => {
    expect(new Keys('mc').datasetPattern('coin')).toBe('mc:v*:coin:*')
  })
})

describe('cacheKey', () => {
  it('canonicalises coin ids to lowercase so Bitcoin and bitcoin share one entry', () => {
    const keys = new Keys('mc')
    const params = datasets.coin.parseParams({ id: 'Bitcoin' })
    expect(cacheKey(keys, datasets.coin, params)).toBe('mc:v1:coin:bitcoin')
    expect(cacheKey(keys, datasets.tokenomics, params)).toBe('mc:v1:tokenomics:bitcoin')
  })

  it('rejects injection attempts before a key exists', () => {
    expect(() => datasets.coin.parseParams({ id: '*' })).toThrow(InvalidParamError)
    expect(() => datasets.coin.parseParams({ id: 'a:b' })).toThrow(InvalidParamError)
    expect(() => datasets.coin.parseParams({})).toThrow(/id is required/)
  })
})

describe('digest and dedup ids', () => {
  it('hashes equal values alike regardless of key order', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe('{"a":{"c":3,"d":2},"b":1}')
    expect(digest({ a: 1, b: 2 })).toBe(digest({ b: 2, a: 1 }))
    expect(digest({ a: 1 })).toMatch(/^[0-9a-f]{16}$/)
  })

  it('joins with a character that never appears in a segment and never uses a colon', () => {
    expect(dedupId('coingecko.coin', 'bitcoin')).toBe('coingecko.coin|bitcoin')
    expect(dedupId('a', 'b')).not.toContain(':')
  })
})
