import { type Ohlcv, ohlcv } from '@marketcache/shared/datasets/ohlcv'
import type { Envelope } from '@marketcache/shared/envelope'
import type { JobRequest } from '@marketcache/shared/jobs'
import { Value } from '@sinclair/typebox/value'
import { describe, expect, it } from 'vitest'
import { ibkrAnswer, ibkrFixture, startIbkrFixtures } from '../providers/ibkr/fixture-route'
import { readEntry } from '../support/entries'
import { type Harness, type Upstream, useHarness } from '../support/harness'
import { startSimulator } from '../support/simulator'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const HISTORY = '/iserver/marketdata/history'

/** `interval` may be one IBKR is not asked for, on purpose. */
const historyRequest = (symbol: string, interval: string) =>
  ({ queue: 'ibkr', name: 'ibkr.history', data: { symbol, interval } }) as JobRequest

const keyOf = (h: Harness<Upstream>, symbol: string, interval: '1h' | '1d') =>
  h.key(ohlcv, { exchange: 'ibkr', symbol, interval })

async function series(h: Harness<Upstream>, symbol: string, interval: '1h' | '1d') {
  const entry = (await readEntry(h.redis, keyOf(h, symbol, interval))) as Envelope
  return { entry, value: JSON.parse(entry.data) as Ohlcv }
}

describe('ibkr.history against the simulator', () => {
  const h = useHarness({ upstream: () => startSimulator(), queues: ['ibkr'] })
  const sim = () => h.upstream

  it.each([
    ['1d', '1y', DAY, 200],
    ['1h', '1m', HOUR, 100],
  ] as const)(
    'writes %s bars through the ohlcv dataset from one history call (period %s)',
    async (interval, period, width, least) => {
      const done = await h.run(historyRequest('AAPL', interval))
      expect(await done.getState()).toBe('completed')
      const key = keyOf(h, 'AAPL', interval)
      expect(key).toBe(h.keys.cache('ohlcv', 1, ['ibkr', 'AAPL', interval]))
      expect(done.returnvalue).toEqual({ written: [key] })

      const stats = await sim().stats()
      expect(stats.byEndpoint['/iserver/secdef/search']).toBe(1)
      expect(stats.byEndpoint[HISTORY]).toBe(1)
      const call = sim().calls.find((c) => c.path.startsWith(`/v1/api${HISTORY}`))
      const asked = new URL(call?.path ?? '', 'http://sim')
      expect(Object.fromEntries(asked.searchParams)).toEqual({
        conid: '265598',
        period,
        bar: interval,
        outsideRth: 'false',
      })

      const { entry, value } = await series(h, 'AAPL', interval)
      expect(Value.Check(ohlcv.value, value)).toBe(true)
      expect(value).toMatchObject({ exchange: 'ibkr', symbol: 'AAPL', interval })
      expect(value.candles.length).toBeGreaterThanOrEqual(least)
      const times = value.candles.map((candle) => candle.t)
      expect(times).toEqual([...times].sort((a, b) => a - b))
      // Plain prices: the gateway's priceFactor (100) scales only its high/low summaries.
      for (const candle of value.candles) {
        expect(candle.l).toBeGreaterThan(100)
        expect(candle.h).toBeLessThan(1000)
        expect(candle.v).toBeGreaterThan(0)
      }
      expect(entry).toMatchObject({ source: 'ibkr', schema: ohlcv.schemaVersion })
      expect(entry.asOf).toBeLessThanOrEqual((times.at(-1) as number) + width)
      expect(entry.asOf).toBe(Date.parse(value.as_of))
      // Hourly and daily bars alike: fresh for one interval, capped at the configured hour.
      const freshMs = Math.min(h.config.freshness.ohlcv.freshMs, width)
      expect(entry.freshUntil - entry.fetchedAt).toBeLessThanOrEqual(freshMs)
      expect(entry.freshUntil - entry.fetchedAt).toBeGreaterThanOrEqual(freshMs * 0.95)
    },
  )

  it('takes the conid from the cached qualification, without a search', async () => {
    const qualified = await h.run({
      queue: 'ibkr',
      name: 'ibkr.instruments',
      data: { underlying: 'MSFT' },
    })
    expect(await qualified.getState()).toBe('completed')
    await sim().reset()

    expect(await (await h.run(historyRequest('MSFT', '1d'))).getState()).toBe('completed')
    const stats = await sim().stats()
    expect(stats.byEndpoint['/iserver/secdef/search'] ?? 0).toBe(0)
    expect(stats.byEndpoint[HISTORY]).toBe(1)
    expect((await series(h, 'MSFT', '1d')).value.symbol).toBe('MSFT')
  })

  it('caches an unknown stock as not found and fails at once, with no history call', async () => {
    const done = await h.run(historyRequest('ZZZZ', '1d'))
    expect(await done.getState()).toBe('failed')
    expect(done.attemptsMade).toBe(1)
    expect(await readEntry(h.redis, keyOf(h, 'ZZZZ', '1d'))).toMatchObject({
      notFound: true,
      source: 'ibkr',
    })
    expect((await sim().stats()).byEndpoint[HISTORY] ?? 0).toBe(0)
  })

  it('fails an interval the history endpoint is not asked for without calling it', async () => {
    const done = await h.run(historyRequest('AAPL', '4h'))
    expect(await done.getState()).toBe('failed')
    expect(done.failedReason).toMatch(/^INVALID_JOB: ibkr.history serves 1h, 1d/)
    expect((await sim().stats()).total).toBe(0)
  })

  it('never caches a history body whose bars are not numbers', async () => {
    // The conid is cached, so the one call the spoiled answers reach is the history call.
    await h.run({ queue: 'ibkr', name: 'ibkr.instruments', data: { underlying: 'TSLA' } })
    await sim().faults({ malformedRate: 1, malformedKind: 'shape' })
    const job = await h.add(historyRequest('TSLA', '1h'), 'update', { attempts: 1 })
    const done = await h.settled(job)
    expect(await done.getState()).toBe('failed')
    expect(done.failedReason).toMatch(/^ibkr \/iserver\/marketdata\/history: TSLA 1h: bar 0 /)
    expect(await h.redis.exists(keyOf(h, 'TSLA', '1h'))).toBe(0)
  })
})

describe('ibkr.history against the recorded fixtures', () => {
  const h = useHarness({ upstream: startIbkrFixtures, queues: ['ibkr'] })
  const server = () => h.upstream
  const recorded = (interval: '1h' | '1d') =>
    JSON.parse(ibkrFixture(`history-265598-${interval}.json`)) as {
      data: { o: number; h: number; l: number; c: number; v: number; t: number }[]
    }

  it.each(['1d', '1h'] as const)('writes the recorded %s bars as sent', async (interval) => {
    const done = await h.run(historyRequest('AAPL', interval))
    expect(await done.getState()).toBe('completed')
    const { value } = await series(h, 'AAPL', interval)
    expect(value.candles).toEqual(
      recorded(interval).data.map(({ t, o, h, l, c, v }) => ({ t, o, h, l, c, v })),
    )
  })

  it('divides bars sent on the summary’s priceFactor scale', async () => {
    const body = JSON.parse(ibkrFixture('history-265598-1d.json')) as {
      data: Record<string, number>[]
    }
    const scaled = {
      ...body,
      data: body.data.map((bar) => ({
        ...bar,
        o: Math.round((bar.o as number) * 100),
        h: Math.round((bar.h as number) * 100),
        l: Math.round((bar.l as number) * 100),
        c: Math.round((bar.c as number) * 100),
      })),
    }
    server().answerNext(ibkrAnswer(200, 'search-aapl.json'), {
      status: 200,
      body: JSON.stringify(scaled),
    })
    const done = await h.run(historyRequest('AAPL', '1d'))
    expect(await done.getState()).toBe('completed')
    const { value } = await series(h, 'AAPL', '1d')
    expect(value.candles.map((candle) => candle.c)).toEqual(recorded('1d').data.map((bar) => bar.c))
  })

  it.each([
    ['an error body', { error: 'Chart data unavailable' }, /the gateway says "Chart data/],
    ['no data list', { symbol: 'AAPL', barLength: 86400, points: 0 }, /no data list/],
    ['an empty data list', { symbol: 'AAPL', barLength: 86400, data: [] }, /no bars/],
    [
      'a bar that is not numbers',
      { barLength: 86400, data: [{ o: '1', c: 2, h: 3, l: 1, v: 5, t: 1736951400000 }] },
      /bar 0 is not/,
    ],
    [
      'hourly bars asked as daily',
      JSON.parse(ibkrFixture('history-265598-1h.json')) as unknown,
      /bars are 3600 s long, not 1d/,
    ],
  ])('never caches %s', async (_, body, reason) => {
    // MSFT's search is answered from its fixture; its history call gets the canned body.
    server().answerNext(ibkrAnswer(200, 'search-msft.json'), {
      status: 200,
      body: JSON.stringify(body),
    })
    const job = await h.add(historyRequest('MSFT', '1d'), 'update', { attempts: 1 })
    const done = await h.settled(job)
    expect(await done.getState()).toBe('failed')
    expect(done.failedReason).toMatch(reason)
    expect(await h.redis.exists(keyOf(h, 'MSFT', '1d'))).toBe(0)
  })
})

describe('ibkr.history pacing', () => {
  const LATENCY_MS = 300
  const h = useHarness({
    upstream: () => startSimulator({ latencyMs: LATENCY_MS }),
    queues: ['ibkr'],
    env: { IBKR_CONCURRENCY: '10', IBKR_RATE_MAX: '1000' },
  })

  it('keeps at most five history requests in flight, however many jobs run', async () => {
    // The gateway's 10/s pacing would space the calls anyway; only the concurrency cap is tested.
    await h.upstream.faults({ ibkr: { pacingPerSecond: 0 } })
    const symbols = ['SPY', 'QQQ', 'AAPL', 'MSFT', 'TSLA']
    const jobs = await Promise.all(
      symbols.flatMap((symbol) =>
        (['1h', '1d'] as const).map((interval) => h.add(historyRequest(symbol, interval))),
      ),
    )
    const done = await Promise.all(jobs.map((job) => h.settled(job, 15_000)))
    expect(await Promise.all(done.map((job) => job.getState()))).toEqual(
      Array(10).fill('completed'),
    )

    const arrivals = h.upstream.calls
      .filter((call) => call.path.startsWith(`/v1/api${HISTORY}`))
      .map((call) => call.at)
      .sort((a, b) => a - b)
    expect(arrivals).toHaveLength(10)
    // The sixth can only leave once one of the first five has been answered.
    expect((arrivals[5] as number) - (arrivals[0] as number)).toBeGreaterThanOrEqual(
      LATENCY_MS - 20,
    )
    // And five do run at once: one at a time, the fifth would leave four latencies later.
    expect((arrivals[4] as number) - (arrivals[0] as number)).toBeLessThan(3 * LATENCY_MS)
  })
})
