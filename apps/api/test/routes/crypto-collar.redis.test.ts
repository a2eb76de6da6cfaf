import { cacheKey } from '@marketcache/shared/dataset'
import { type CollarSet, collar } from '@marketcache/shared/datasets/collar'
import {
  type CollarFilters,
  groupCollars,
  selectCollars,
} from '@marketcache/shared/datasets/collar-selection'
import { spot } from '@marketcache/shared/datasets/spot'
import { Priority } from '@marketcache/shared/jobs'
import type { Static } from '@sinclair/typebox'
import { describe, expect, it } from 'vitest'
import { collarValue } from '../fixtures/analytics-data'
import { envelope, writeEntry } from '../fixtures/cache-writer'
import { expectInvalidParams, jobsEnqueued, withWait } from '../fixtures/dataset-reads'
import { spotValue, stored } from '../fixtures/market-data'
import { startTestApp, useTestApp } from '../fixtures/test-app'

const t = useTestApp()

const SPOT = 97_400
const SET = collarValue(SPOT)
const DATA = stored(SET)
const URL = '/v1/crypto-collar?underlying=BTC'
type CollarExchange = Static<typeof collar.params>['exchange']
type SpotExchange = Static<typeof spot.params>['exchange']
const collarKey = (exchange: CollarExchange = 'bybit', underlying = 'BTC') =>
  cacheKey(t.keys, collar, { exchange, underlying })
const spotKey = (exchange: SpotExchange = 'bybit', symbol = 'BTCUSDT') =>
  cacheKey(t.keys, spot, { exchange, symbol })
const get = (url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url, headers })

/** The collar set as the worker writes it: computed at `basis` (the spot it read). */
const seedCollar = (overrides: Parameters<typeof envelope>[1] = {}) =>
  writeEntry(
    t.redis,
    t.keys,
    collarKey(),
    envelope(DATA, { etag: 'c1', source: 'derived', basis: SPOT, ...overrides }),
  )
const seedSpot = (price: number, exchange: 'bybit' | 'ibkr' = 'bybit', symbol = 'BTCUSDT') =>
  writeEntry(
    t.redis,
    t.keys,
    spotKey(exchange, symbol),
    envelope(stored({ ...spotValue(exchange, symbol), price }), { source: exchange }),
  )

/**
 * What the route must answer for `filters`: selectCollars (or groupCollars) on the stored set, and
 * its metadata. The hand-worked examples at the end check those two against arithmetic.
 */
function expected(filters: CollarFilters) {
  const metadata = (matched: number) => ({
    underlying: 'BTC',
    exchange: 'bybit',
    spot: SPOT,
    as_of: SET.as_of,
    total_count: SET.total_count,
    matched,
    inputs: SET.inputs,
  })
  if (filters.group) {
    const groups = groupCollars(SET, filters.group, filters)
    return { metadata: metadata(groups.reduce((sum, g) => sum + g.matched, 0)), groups }
  }
  const { collars, matched } = selectCollars(SET, filters)
  return { metadata: metadata(matched), collars }
}
const all = SET.buckets.flatMap((b) => b.expiries.flatMap((e) => e.collars))
const outOfTheMoney = all.filter((c) => c.put_strike < SPOT && c.call_strike > SPOT)

describe('GET /v1/crypto-collar', () => {
  it('cold: one derive.collar job at miss priority, then MISS with the view of the written set', async () => {
    const pending = get(withWait(`${URL}&exchange=Bybit&min_days=7`, 5000))
    const [job] = await jobsEnqueued(t)
    expect(job?.queueName).toBe('derive')
    expect(job?.name).toBe('derive.collar')
    expect(job?.data).toEqual({
      exchange: 'bybit',
      underlying: 'BTC',
      origin: 'miss',
      seenAt: expect.any(Number),
    })
    expect(job?.opts.priority).toBe(Priority.miss)

    await seedCollar()
    const response = await pending
    expect(response.statusCode).toBe(200)
    expect(response.headers['x-cache-status']).toBe('MISS')
    expect(response.json()).toEqual(expected({ min_days: 7 }))
    expect(await t.pendingJobs()).toHaveLength(1)
  })

  it('turns 50 concurrent cold reads, whatever their filters, into exactly one derive.collar job', async () => {
    const urls = [
      URL,
      `${URL}&min_days=7`,
      `${URL}&sort=net_cost&limit=5`,
      `/v1/crypto-collar?underlying=btc&exchange=bybit`,
    ]
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => get(withWait(urls[i % urls.length]!, 100))),
    )
    expect(responses.every((r) => r.statusCode === 503)).toBe(true)
    const ids = new Set(responses.map((r) => r.json().jobId))
    expect(ids.size).toBe(1)
    expect([...ids][0]).toMatch(/^derive\.\d+$/)
    const jobs = await t.pendingJobs()
    expect(jobs).toHaveLength(1)
    expect(jobs[0]?.name).toBe('derive.collar')
  })

  it('HIT: the out-of-the-money collars by score with the metadata, a weak ETag, and 304 on it', async () => {
    await seedCollar({ ageMs: 10_000 })
    const response = await get(URL)
    expect(response.statusCode).toBe(200)
    expect(response.headers['x-cache-status']).toBe('HIT')
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(response.headers['cache-control']).toMatch(
      /^public, max-age=\d+, stale-while-revalidate=600$/,
    )
    expect(Number(response.headers.age)).toBeGreaterThanOrEqual(10)
    const body = response.json()
    expect(body).toEqual(expected({}))
    // 4 puts below 97 400 × 4 calls above it × 4 expiries: 64, fewer than the default limit.
    expect(outOfTheMoney).toHaveLength(64)
    expect(body.metadata.matched).toBe(64)
    expect(body.collars).toHaveLength(64)
    expect(body.collars[0].score).toBeGreaterThanOrEqual(body.collars[63].score)
    for (const c of body.collars)
      expect([c.put_strike < SPOT, c.call_strike > SPOT]).toEqual([true, true])
    const everything = (await get(`${URL}&moneyness=all`)).json()
    expect(everything.metadata.matched).toBe(SET.total_count)
    expect(everything.collars).toHaveLength(100)
    expect(response.body).not.toBe(DATA)

    const tag = response.headers.etag as string
    expect(tag).toMatch(/^W\/"c1-[0-9a-f]{12}"$/)
    const revalidated = await get(URL, { 'if-none-match': tag })
    expect(revalidated.statusCode).toBe(304)
    expect(revalidated.body).toBe('')
    expect(revalidated.headers.etag).toBe(tag)
    expect(await t.pendingJobs()).toHaveLength(0)
  })
})

/** Each filter alone, then combined; compared with selectCollars on the stored set. */
const FILTERS: [query: string, filters: CollarFilters][] = [
  ['min_days=7', { min_days: 7 }],
  ['max_days=7', { max_days: 7 }],
  ['min_days=2&max_days=30', { min_days: 2, max_days: 30 }],
  ['min_gain_to_risk=1', { min_gain_to_risk: 1 }],
  ['min_gain_to_risk=-0.5', { min_gain_to_risk: -0.5 }],
  ['sort=max_gain', { sort: 'max_gain' }],
  ['sort=net_cost', { sort: 'net_cost' }],
  ['sort=days_to_expiry&limit=10', { sort: 'days_to_expiry', limit: 10 }],
  ['sort=protection&limit=3', { sort: 'protection', limit: 3 }],
  ['limit=1', { limit: 1 }],
  ['limit=1000', { limit: 1000 }],
  [
    'min_days=7&max_days=84&min_gain_to_risk=0.5&sort=net_cost&limit=20',
    { min_days: 7, max_days: 84, min_gain_to_risk: 0.5, sort: 'net_cost', limit: 20 },
  ],
  ['min_gain_to_risk=1000', { min_gain_to_risk: 1000 }],
  ['moneyness=all', { moneyness: 'all' }],
  [
    'moneyness=all&sort=gain_to_risk&limit=1000',
    { moneyness: 'all', sort: 'gain_to_risk', limit: 1000 },
  ],
  ['group=protection', { group: 'protection' }],
  ['group=protection&moneyness=all&limit=2', { group: 'protection', moneyness: 'all', limit: 2 }],
  ['group=maturity', { group: 'maturity' }],
  [
    'group=maturity&min_days=7&max_days=30&sort=net_cost&limit=3',
    { group: 'maturity', min_days: 7, max_days: 30, sort: 'net_cost', limit: 3 },
  ],
]

describe('collar filters, sort and limit', () => {
  it.each(FILTERS)('?%s equals selectCollars on the stored set', async (query, filters) => {
    await seedCollar()
    const response = await get(`${URL}&${query}`)
    expect(response.statusCode).toBe(200)
    expect(response.headers['x-cache-status']).toBe('HIT')
    expect(response.json()).toEqual(expected(filters))
    expect(await t.pendingJobs()).toHaveLength(0)
  })

  it('orders as documented: descending score, gain to risk and max gain, ascending the rest', async () => {
    await seedCollar()
    const values = async (sort: string) =>
      (await get(`${URL}&sort=${sort}&limit=1000&moneyness=all`))
        .json()
        .collars.map((c: Record<string, number>) => c[sort])
    const descending = (list: number[]) => list.every((v, i) => i === 0 || list[i - 1]! >= v)
    const ascending = (list: number[]) => list.every((v, i) => i === 0 || list[i - 1]! <= v)
    expect(descending(await values('score'))).toBe(true)
    expect(descending(await values('gain_to_risk'))).toBe(true)
    expect(descending(await values('max_gain'))).toBe(true)
    expect(ascending(await values('net_cost'))).toBe(true)
    expect(ascending(await values('days_to_expiry'))).toBe(true)
    expect(ascending(await values('protection'))).toBe(true)
  })

  it('gives each filter set its own ETag, and equal filters the same one however spelled', async () => {
    await seedCollar()
    const tags = await Promise.all(
      ['', ...FILTERS.map(([query]) => query)].map(
        async (query) => (await get(`${URL}&${query}`)).headers.etag,
      ),
    )
    expect(new Set(tags).size).toBe(FILTERS.length + 1)

    const plain = await get(URL)
    const spelled = await get(
      '/v1/crypto-collar?limit=100&sort=SCORE&moneyness=OTM&exchange=BYBIT&underlying=btc',
    )
    expect(spelled.headers.etag).toBe(plain.headers.etag)
    expect(spelled.body).toBe(plain.body)
    const one = await get(`${URL}&min_days=7&sort=net_cost`)
    const same = await get(`${URL}&sort=net_cost&min_days=7.0`)
    expect(same.headers.etag).toBe(one.headers.etag)
  })

  it('answers 304 per variant only, and a new version of the set changes every tag', async () => {
    await seedCollar()
    const plain = (await get(URL)).headers.etag as string
    const filtered = (await get(`${URL}&min_days=7`)).headers.etag as string
    expect((await get(`${URL}&min_days=7`, { 'if-none-match': filtered })).statusCode).toBe(304)
    expect((await get(`${URL}&min_days=7`, { 'if-none-match': plain })).statusCode).toBe(200)
    expect((await get(URL, { 'if-none-match': filtered })).statusCode).toBe(200)

    await seedCollar({ etag: 'c2' })
    const after = await get(`${URL}&min_days=7`, { 'if-none-match': filtered })
    expect(after.statusCode).toBe(200)
    expect(after.headers.etag).toMatch(/^W\/"c2-/)
  })
})

describe('collar: bad input is a 400 naming the parameter, with nothing enqueued', () => {
  it.each([
    ['/v1/crypto-collar', 'underlying'],
    ['/v1/crypto-collar?exchange=bybit', 'underlying'],
    [`${URL}&min_days=-1`, 'min_days'],
    [`${URL}&min_days=soon`, 'min_days must be a decimal number'],
    [`${URL}&max_days=1e2`, 'max_days must be a decimal number'],
    [`${URL}&min_days=30&max_days=7`, 'min_days (30) must not be greater than max_days (7)'],
    [`${URL}&min_gain_to_risk=lots`, 'min_gain_to_risk must be a decimal number'],
    [`${URL}&sort=best`, 'sort must be one of score, gain_to_risk, max_gain, net_cost'],
    [`${URL}&moneyness=itm`, 'moneyness must be one of otm, all'],
    [`${URL}&group=expiry`, 'group must be one of protection, maturity'],
    [`${URL}&group=protection&group=maturity`, 'group'],
    [`${URL}&sort=net_cost&sort=max_gain`, 'sort'],
    [`${URL}&limit=0`, 'limit'],
    [`${URL}&limit=1001`, 'limit'],
    [`${URL}&limit=5.5`, 'limit must be an integer'],
    ['/v1/crypto-collar?underlying=BTC-USD', 'underlying "BTC-USD" is not a Bybit base coin'],
    ['/v1/crypto-collar?underlying=B:TC', /^underlying must be 1-64 characters/],
    ['/v1/crypto-collar?underlying=BTC&exchange=coingecko', 'exchange must be one of bybit, ibkr'],
  ])('%s → %s', (url, message) => expectInvalidParams(t, url, message))
})

describe('collar: early staleness when the spot moves away from the basis', () => {
  it('spot 6 % above the basis: STALE, max-age=0, and exactly one stale refresh', async () => {
    await seedCollar()
    await seedSpot(SPOT * 1.06)
    const responses = await Promise.all(Array.from({ length: 10 }, () => get(URL)))
    for (const response of responses) {
      expect(response.statusCode).toBe(200)
      expect(response.headers['x-cache-status']).toBe('STALE')
      expect(response.headers['cache-control']).toMatch(/^public, max-age=0, /)
      expect(response.json()).toEqual(expected({}))
    }
    // One more request after the in-process throttle: BullMQ deduplicates it.
    await new Promise((resolve) => setTimeout(resolve, 1100))
    expect((await get(URL)).headers['x-cache-status']).toBe('STALE')
    const jobs = await jobsEnqueued(t)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(await t.pendingJobs()).toHaveLength(1)
    expect(jobs[0]?.name).toBe('derive.collar')
    expect(jobs[0]?.data).toEqual({
      exchange: 'bybit',
      underlying: 'BTC',
      origin: 'stale',
      seenAt: expect.any(Number),
    })
    expect(jobs[0]?.opts.priority).toBe(Priority.stale)
  })

  it('spot 6 % below the basis: STALE too', async () => {
    // ETH: a refresh of the BTC set was just sent, and this process sends one per second at most.
    const spot = 3400
    await writeEntry(
      t.redis,
      t.keys,
      collarKey('bybit', 'ETH'),
      envelope(stored(collarValue(spot, 'ETH')), { source: 'derived', basis: spot }),
    )
    await seedSpot(spot * 0.94, 'bybit', 'ETHUSDT')
    expect((await get('/v1/crypto-collar?underlying=ETH')).headers['x-cache-status']).toBe('STALE')
    const [job] = await jobsEnqueued(t)
    expect(job?.data).toEqual({
      exchange: 'bybit',
      underlying: 'ETH',
      origin: 'stale',
      seenAt: expect.any(Number),
    })
  })

  it('spot 4 % away: HIT, nothing enqueued', async () => {
    await seedCollar()
    await seedSpot(SPOT * 1.04)
    const response = await get(URL)
    expect(response.headers['x-cache-status']).toBe('HIT')
    expect(response.headers['cache-control']).not.toMatch(/max-age=0,/)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(await t.pendingJobs()).toHaveLength(0)
  })

  it('spot missing: HIT, nothing enqueued (the input is not fetched for the check)', async () => {
    await seedCollar()
    expect((await get(URL)).headers['x-cache-status']).toBe('HIT')
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(await t.pendingJobs()).toHaveLength(0)
    expect(await t.cacheKeys()).toEqual([collarKey()])
  })

  it('an entry without a basis is never downgraded', async () => {
    await writeEntry(t.redis, t.keys, collarKey(), envelope(DATA, { source: 'derived' }))
    await seedSpot(SPOT * 2)
    expect((await get(URL)).headers['x-cache-status']).toBe('HIT')
  })

  it('a 304 revalidation is STALE too, and so is a filtered read', async () => {
    await seedCollar()
    const tag = (await get(`${URL}&min_days=7`)).headers.etag as string
    await seedSpot(SPOT * 1.1)
    const revalidated = await get(`${URL}&min_days=7`, { 'if-none-match': tag })
    expect(revalidated.statusCode).toBe(304)
    expect(revalidated.headers['x-cache-status']).toBe('STALE')
  })

  it('compares an ibkr collar with the stock spot of its underlying', async () => {
    const spot = 232.15
    await writeEntry(
      t.redis,
      t.keys,
      collarKey('ibkr', 'AAPL'),
      envelope(stored(collarValue(spot, 'AAPL', 'ibkr')), { source: 'derived', basis: spot }),
    )
    await seedSpot(spot * 1.07, 'ibkr', 'AAPL')
    const response = await get('/v1/crypto-collar?underlying=aapl&exchange=ibkr')
    expect(response.headers['x-cache-status']).toBe('STALE')
    const [job] = await jobsEnqueued(t)
    expect(job?.data).toEqual({
      exchange: 'ibkr',
      underlying: 'AAPL',
      origin: 'stale',
      seenAt: expect.any(Number),
    })
  })
})

describe('COLLAR_SPOT_MOVE_PCT', () => {
  it('overrides the dataset threshold: at 3 %, a 4 % move is STALE', async () => {
    const strict = await startTestApp({ COLLAR_SPOT_MOVE_PCT: '3' })
    try {
      await writeEntry(
        strict.redis,
        strict.keys,
        cacheKey(strict.keys, collar, { exchange: 'bybit', underlying: 'BTC' }),
        envelope(DATA, { source: 'derived', basis: SPOT }),
      )
      const moved = { ...spotValue('bybit', 'BTCUSDT'), price: SPOT * 1.04 }
      await writeEntry(
        strict.redis,
        strict.keys,
        cacheKey(strict.keys, spot, { exchange: 'bybit', symbol: 'BTCUSDT' }),
        envelope(stored(moved), { source: 'bybit' }),
      )
      const response = await strict.app.inject(URL)
      expect(response.headers['x-cache-status']).toBe('STALE')
      const [job] = await jobsEnqueued(strict)
      expect(job?.data.origin).toBe('stale')
    } finally {
      await strict.close()
    }
  })
})

/*
 * Worked by hand, S = 100 000, so the score's risk floor is 0.01 × S = 1 000. Per pair:
 *   net = put ask − call bid; gain = (Kc − S) − net; loss = (S − Kp) + net;
 *   g/r = gain / loss; score = gain / max(loss, 1 000); protection = (S − Kp) / S
 *
 * E7 (7 days)
 *   A 99 500 / 101 000, ask 700, bid 800: net −100; gain 1 000 + 100 = 1 100;
 *     loss 500 − 100 = 400; g/r 2.75; score 1 100 / 1 000 = 1.1; protection 0.005 → 0-2%
 *   B 95 000 / 105 000, ask 300, bid 250: net 50; gain 5 000 − 50 = 4 950;
 *     loss 5 000 + 50 = 5 050; g/r = score = 0.980198; protection 0.05 → 5-10%
 *   C 95 000 / 98 000 (call below spot), ask 300, bid 2 500: net −2 200;
 *     gain −2 000 + 2 200 = 200; loss 5 000 − 2 200 = 2 800; g/r = score = 0.0714286; → 5-10%
 * E30 (30 days)
 *   D 95 000 / 110 000, ask 2 900, bid 1 000: net 1 900; gain 10 000 − 1 900 = 8 100;
 *     loss 5 000 + 1 900 = 6 900; g/r = score = 1.17391; protection 0.05 → 5-10%
 *   E 90 000 / 110 000, ask 1 500, bid 1 000: net 500; gain 10 000 − 500 = 9 500;
 *     loss 10 000 + 500 = 10 500; g/r = score = 0.904762; protection 0.1 → 10-20%
 *   F 150 000 / 200 000 (put above spot, as seen at main), ask 50 400, bid 200: net 50 200;
 *     gain 100 000 − 50 200 = 49 800; loss −50 000 + 50 200 = 200; g/r 249;
 *     score 49 800 / 1 000 = 49.8; protection −0.5 → <0%
 *
 * Default (both legs out of the money, score descending): D 1.17391, A 1.1, B 0.980198,
 * E 0.904762; C and F are left out. By g/r, A (2.75) would lead.
 */
const S = 100_000
const E7 = { expiry: '2026-01-09T08:00:00.000Z', days_to_expiry: 7 }
const E30 = { expiry: '2026-02-01T08:00:00.000Z', days_to_expiry: 30 }
type Hand = CollarSet['buckets'][number]['expiries'][number]['collars'][number]
const hand = (
  expiry: typeof E7,
  [put_strike, call_strike, put_ask, call_bid]: [number, number, number, number],
  [net_cost, max_gain, max_loss]: [number, number, number],
  [gain_to_risk, score, protection]: [number, number, number],
): Hand => ({
  ...expiry,
  put_strike,
  call_strike,
  put_ask,
  call_bid,
  net_cost,
  max_gain,
  max_loss,
  gain_to_risk,
  score,
  breakeven: S + net_cost,
  protection,
})
const A = hand(E7, [99_500, 101_000, 700, 800], [-100, 1100, 400], [2.75, 1.1, 0.005])
const B = hand(E7, [95_000, 105_000, 300, 250], [50, 4950, 5050], [0.980198, 0.980198, 0.05])
const C = hand(E7, [95_000, 98_000, 300, 2500], [-2200, 200, 2800], [0.0714286, 0.0714286, 0.05])
const D = hand(E30, [95_000, 110_000, 2900, 1000], [1900, 8100, 6900], [1.17391, 1.17391, 0.05])
const E = hand(E30, [90_000, 110_000, 1500, 1000], [500, 9500, 10_500], [0.904762, 0.904762, 0.1])
const F = hand(E30, [150_000, 200_000, 50_400, 200], [50_200, 49_800, 200], [249, 49.8, -0.5])
const HAND: CollarSet = {
  exchange: 'bybit',
  underlying: 'BTC',
  spot: S,
  as_of: '2026-01-02T08:00:00.000Z',
  inputs: { chain_as_of: '2026-01-02T08:00:00.000Z', spot_as_of: '2026-01-02T08:00:05.000Z' },
  total_count: 6,
  // As the worker stores it: buckets in order, expiries ascending, by put then call strike.
  buckets: [
    { protection: '<0%', expiries: [{ ...E30, collars: [F] }] },
    { protection: '0-2%', expiries: [{ ...E7, collars: [A] }] },
    { protection: '2-5%', expiries: [] },
    {
      protection: '5-10%',
      expiries: [
        { ...E7, collars: [C, B] },
        { ...E30, collars: [D] },
      ],
    },
    { protection: '10-20%', expiries: [{ ...E30, collars: [E] }] },
    { protection: '20%+', expiries: [] },
  ],
}

describe('collar ranking and grouping, against the hand-worked set', () => {
  const read = async (query: string) => {
    await writeEntry(
      t.redis,
      t.keys,
      collarKey(),
      envelope(stored(HAND), { etag: 'h1', source: 'derived', basis: S }),
    )
    const response = await get(`${URL}${query}`)
    expect(response.statusCode).toBe(200)
    const { metadata, ...rest } = response.json()
    expect(metadata).toMatchObject({ spot: S, total_count: 6 })
    return { matched: metadata.matched, ...rest }
  }

  it('by default: out-of-the-money collars only, best score first', async () => {
    expect(await read('')).toEqual({ matched: 4, collars: [D, A, B, E] })
    expect(await read('&sort=gain_to_risk')).toEqual({ matched: 4, collars: [A, D, B, E] })
  })

  it('moneyness=all brings back the put above spot and the call below it', async () => {
    expect(await read('&moneyness=all')).toEqual({ matched: 6, collars: [F, D, A, B, E, C] })
  })

  it('group=protection: one group per bucket in bucket order, each ranked, empty ones left out', async () => {
    expect(await read('&group=protection')).toEqual({
      matched: 4,
      groups: [
        { protection: '0-2%', matched: 1, collars: [A] },
        { protection: '5-10%', matched: 2, collars: [D, B] },
        { protection: '10-20%', matched: 1, collars: [E] },
      ],
    })
    expect(await read('&group=protection&moneyness=all&limit=2')).toEqual({
      matched: 6,
      groups: [
        { protection: '<0%', matched: 1, collars: [F] },
        { protection: '0-2%', matched: 1, collars: [A] },
        { protection: '5-10%', matched: 3, collars: [D, B] },
        { protection: '10-20%', matched: 1, collars: [E] },
      ],
    })
  })

  it('group=maturity: one group per expiry, ascending, with the filters applied in each', async () => {
    expect(await read('&group=maturity')).toEqual({
      matched: 4,
      groups: [
        { ...E7, matched: 2, collars: [A, B] },
        { ...E30, matched: 2, collars: [D, E] },
      ],
    })
    // net cost ascending: B 50, C −2 200 → C, B in E7; E 500, D 1 900 in E30; then limit 1.
    expect(await read('&group=maturity&moneyness=all&sort=net_cost&limit=1')).toEqual({
      matched: 6,
      groups: [
        { ...E7, matched: 3, collars: [C] },
        { ...E30, matched: 3, collars: [E] },
      ],
    })
    expect(await read('&group=maturity&min_days=10&min_gain_to_risk=1')).toEqual({
      matched: 1,
      groups: [{ ...E30, matched: 1, collars: [D] }],
    })
  })
})
