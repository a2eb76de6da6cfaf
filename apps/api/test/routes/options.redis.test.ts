import { cacheKey } from '@marketcache/shared/dataset'
import {
  type ChainFilters,
  filterChain,
  optionChain,
} from '@marketcache/shared/datasets/option-chain'
import type { Static } from '@sinclair/typebox'
import { describe, expect, it } from 'vitest'
import { envelope, writeEntry } from '../fixtures/cache-writer'
import {
  expectColdReadFilled,
  expectHitAnd304,
  expectInvalidParams,
  jobsEnqueued,
  withWait,
} from '../fixtures/dataset-reads'
import { chainValue, stored } from '../fixtures/market-data'
import { useTestApp } from '../fixtures/test-app'

const t = useTestApp()

const chainKey = (exchange: Static<typeof optionChain.params>['exchange'], underlying: string) =>
  cacheKey(t.keys, optionChain, { exchange, underlying })
const get = (url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url, headers })

const CHAIN = chainValue('BTC')
const DATA = stored(CHAIN)
const URL = '/v1/options/bybit/BTC/chain'
const seed = (overrides: Parameters<typeof envelope>[1] = {}) =>
  writeEntry(
    t.redis,
    t.keys,
    chainKey('bybit', 'BTC'),
    envelope(DATA, { etag: 'chain1', source: 'bybit', ...overrides }),
  )

describe('GET /v1/options/:exchange/:underlying/chain', () => {
  it('cold: one bybit.option-chain job at miss priority, then MISS with the written chain', () =>
    expectColdReadFilled(t, {
      url: URL,
      key: chainKey('bybit', 'BTC'),
      job: { queue: 'bybit', name: 'bybit.option-chain', data: { underlying: 'BTC' } },
      data: DATA,
      source: 'bybit',
    }))

  it('cold on ibkr: an ibkr.option-chain job on the ibkr queue', () =>
    expectColdReadFilled(t, {
      url: '/v1/options/IBKR/aapl/chain',
      key: chainKey('ibkr', 'AAPL'),
      job: { queue: 'ibkr', name: 'ibkr.option-chain', data: { underlying: 'AAPL' } },
      data: stored({ ...chainValue('AAPL'), exchange: 'ibkr' }),
      source: 'ibkr',
    }))

  it('HIT with the stored bytes and every header; 304 on its ETag', () =>
    expectHitAnd304(t, { url: URL, key: chainKey('bybit', 'BTC'), data: DATA, source: 'bybit' }))

  it('turns 50 concurrent cold reads, filtered or not, into exactly one bybit.option-chain job', async () => {
    const urls = [URL, `${URL}?right=call`, `${URL}?minDays=7&maxStrike=100000`]
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => get(withWait(urls[i % urls.length]!, 100))),
    )
    expect(responses.every((r) => r.statusCode === 503)).toBe(true)
    const ids = new Set(responses.map((r) => r.json().jobId))
    expect(ids.size).toBe(1)
    expect([...ids][0]).toMatch(/^bybit\.\d+$/)
    const jobs = await t.pendingJobs()
    expect(jobs).toHaveLength(1)
    expect(jobs[0]?.name).toBe('bybit.option-chain')
    expect(await t.queues.bybit.getDeduplicationJobId('bybit.option-chain|BTC')).toBe(jobs[0]?.id)
  })
})

/** Each filter alone, then combined; every one selects a proper, non-empty subset. */
const FILTERS: [query: string, filters: ChainFilters][] = [
  ['expiry=2026-01-09', { expiry: '2026-01-09' }],
  ['minDays=7', { minDays: 7 }],
  ['maxDays=7', { maxDays: 7 }],
  ['minStrike=95000', { minStrike: 95_000 }],
  ['maxStrike=100000', { maxStrike: 100_000 }],
  ['right=call', { right: 'call' }],
  ['right=put', { right: 'put' }],
  [
    'minDays=2&maxDays=30&minStrike=90000&maxStrike=105000&right=put',
    { minDays: 2, maxDays: 30, minStrike: 90_000, maxStrike: 105_000, right: 'put' },
  ],
  [
    'expiry=2026-03-27&minStrike=100000&right=call',
    { expiry: '2026-03-27', minStrike: 100_000, right: 'call' },
  ],
  ['minDays=0.5&maxDays=1.5', { minDays: 0.5, maxDays: 1.5 }],
]

describe('chain filters', () => {
  it.each(FILTERS)('?%s equals filterChain applied to the stored chain', async (query, filters) => {
    await seed()
    const response = await get(`${URL}?${query}`)
    expect(response.statusCode).toBe(200)
    expect(response.headers['x-cache-status']).toBe('HIT')
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(response.headers['cache-control']).toMatch(
      /^public, max-age=\d+, stale-while-revalidate=600$/,
    )
    const expected = filterChain(CHAIN, filters)
    expect(response.json()).toEqual(expected)
    expect(expected.expiries.length).toBeGreaterThan(0)
    expect(expected).not.toEqual(CHAIN)
    expect(response.headers.etag).toMatch(/^W\/"chain1-[0-9a-f]{12}"$/)
    expect(await t.pendingJobs()).toHaveLength(0)
  })

  it('without filters sends the stored bytes exactly, under the stored ETag', async () => {
    await seed()
    const response = await get(URL)
    expect(response.body).toBe(DATA)
    expect(response.headers.etag).toBe('"chain1"')
  })

  it('a filter that selects nothing answers an empty chain, not an error', async () => {
    await seed()
    const response = await get(`${URL}?expiry=2027-06-25`)
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ ...CHAIN, expiries: [] })
  })

  it('gives every variant its own ETag, and equal filters the same one however spelled', async () => {
    await seed()
    const tags = await Promise.all(
      ['', ...FILTERS.map(([query]) => query)].map(
        async (query) => (await get(`${URL}?${query}`)).headers.etag,
      ),
    )
    expect(new Set(tags).size).toBe(FILTERS.length + 1)

    const one = await get(`${URL}?right=put&minDays=2&maxStrike=105000`)
    const same = await get(`${URL}?maxStrike=105000.0&right=PUT&minDays=2`)
    expect(same.headers.etag).toBe(one.headers.etag)
    expect(same.body).toBe(one.body)
  })

  it('answers 304 per variant: only to its own ETag', async () => {
    await seed()
    const unfiltered = (await get(URL)).headers.etag as string
    for (const [query] of FILTERS) {
      const url = `${URL}?${query}`
      const tag = (await get(url)).headers.etag as string
      const revalidated = await get(url, { 'if-none-match': tag })
      expect(revalidated.statusCode, query).toBe(304)
      expect(revalidated.headers.etag).toBe(tag)
      expect(revalidated.body).toBe('')
      expect((await get(url, { 'if-none-match': unfiltered })).statusCode).toBe(200)
      expect((await get(URL, { 'if-none-match': tag })).statusCode).toBe(200)
    }
  })

  it('a new version of the chain changes every variant ETag', async () => {
    await seed()
    const before = (await get(`${URL}?right=call`)).headers.etag as string
    await seed({ etag: 'chain2' })
    const after = await get(`${URL}?right=call`, { 'if-none-match': before })
    expect(after.statusCode).toBe(200)
    expect(after.headers.etag).not.toBe(before)
  })

  it('filters a chain that lands during the wait (MISS) and a stale one (STALE) alike', async () => {
    const filters: ChainFilters = { maxDays: 7, right: 'call' }
    const pending = get(`${URL}?maxDays=7&right=call&wait=5000`)
    await jobsEnqueued(t)
    await seed()
    const miss = await pending
    expect(miss.headers['x-cache-status']).toBe('MISS')
    expect(miss.json()).toEqual(filterChain(CHAIN, filters))

    await seed({ ageMs: 400_000, etag: 'old' })
    const stale = await get(`${URL}?maxDays=7&right=call`)
    expect(stale.headers['x-cache-status']).toBe('STALE')
    expect(stale.json()).toEqual(filterChain(CHAIN, filters))
  })
})

describe('chain: bad input is a 400 naming the parameter, with nothing enqueued', () => {
  it.each([
    ['expiry=2026-13-01', 'expiry must be a date as YYYY-MM-DD'],
    ['expiry=2026-02-30', 'expiry must be a date as YYYY-MM-DD'],
    ['expiry=20260109', 'expiry must be a date as YYYY-MM-DD'],
    ['expiry=tomorrow', 'expiry must be a date as YYYY-MM-DD'],
    ['minDays=-1', 'minDays'],
    ['minDays=soon', 'minDays must be a decimal number'],
    ['minDays=1e2', 'minDays must be a decimal number'],
    ['maxDays=', 'maxDays must be a decimal number'],
    ['minStrike=-5', 'minStrike'],
    ['maxStrike=0x10', 'maxStrike must be a decimal number'],
    ['maxStrike=lots', 'maxStrike must be a decimal number'],
    ['right=straddle', 'right must be one of call, put'],
    ['right=call&right=put', 'right'],
    ['minDays=30&maxDays=7', 'minDays (30) must not be greater than maxDays (7)'],
    ['minStrike=100000&maxStrike=90000', 'minStrike (100000) must not be greater than maxStrike'],
  ])('?%s → %s', (query, message) => expectInvalidParams(t, `${URL}?${query}`, message))

  it.each([
    [
      '/v1/options/bybit/BTC-USD/chain',
      'underlying "BTC-USD" is not a Bybit base coin such as BTC',
    ],
    ['/v1/options/ibkr/1AAPL/chain', 'underlying "1AAPL" is not a US stock ticker such as AAPL'],
    ['/v1/options/coingecko/BTC/chain', 'exchange must be one of bybit, ibkr'],
    ['/v1/options/bybit/BT:C/chain', /^underlying must be 1-64 characters/],
  ])('%s → %s', (url, message) => expectInvalidParams(t, url, message))
})
