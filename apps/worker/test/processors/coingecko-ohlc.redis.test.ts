import { type Ohlcv, ohlcv } from '@marketcache/shared/datasets/ohlcv'
import type { Envelope } from '@marketcache/shared/envelope'
import type { JobRequest } from '@marketcache/shared/jobs'
import { Value } from '@sinclair/typebox/value'
import { describe, expect, it } from 'vitest'
import { readEntry } from '../support/entries'
import { fixture, startFixtureServer } from '../support/fixture-server'
import { type Harness, type Upstream, useHarness } from '../support/harness'
import { startSimulator } from '../support/simulator'

const HALF_HOUR = 1_800_000
const FOUR_HOURS = 14_400_000

/** `interval` may be one CoinGecko does not serve, on purpose. */
const ohlcRequest = (id: string, interval: string) =>
  ({ queue: 'coingecko', name: 'coingecko.ohlc', data: { id, interval } }) as JobRequest

function keyOf(h: Harness<Upstream>, symbol: string, interval: '30m' | '4h') {
  return h.key(ohlcv, { exchange: 'coingecko', symbol, interval })
}

const run = (h: Harness<Upstream>, id: string, interval: string) => h.run(ohlcRequest(id, interval))

describe('coingecko.ohlc against the simulator', () => {
  const h = useHarness({ upstream: () => startSimulator() })

  it.each([
    ['30m', 1, HALF_HOUR],
    ['4h', 30, FOUR_HOURS],
  ] as const)('writes %s candles from one call for days=%i', async (interval, days, width) => {
    const done = await run(h, 'bitcoin', interval)
    expect(await done.getState()).toBe('completed')
    const key = keyOf(h, 'bitcoin', interval)
    expect(key).toBe(h.keys.cache('ohlcv', 1, ['coingecko', 'bitcoin', interval]))
    expect(done.returnvalue).toEqual({ written: [key] })

    const stats = await h.upstream.stats()
    expect(stats.byEndpoint['/coins/{id}/ohlc']).toBe(1)
    expect(stats.total).toBe(1)
    const asked = new URL(h.upstream.calls[0]?.path ?? '', 'http://sim')
    expect(asked.pathname).toBe('/api/v3/coins/bitcoin/ohlc')
    expect(Object.fromEntries(asked.searchParams)).toEqual({
      vs_currency: 'usd',
      days: String(days),
    })

    const entry = (await readEntry(h.redis, key)) as Envelope
    const value = JSON.parse(entry.data) as Ohlcv
    expect(Value.Check(ohlcv.value, value)).toBe(true)
    expect(value).toMatchObject({ exchange: 'coingecko', symbol: 'bitcoin', interval })
    const times = value.candles.map((candle) => candle.t)
    expect(times).toEqual([...times].sort((a, b) => a - b))
    expect(value.candles.every((candle) => candle.v === null)).toBe(true)
    expect(entry).toMatchObject({
      source: 'coingecko',
      schema: ohlcv.schemaVersion,
      asOf: (times.at(-1) as number) + width,
    })
    // The dataset narrows freshness to one candle, never beyond the configured hour.
    const freshMs = Math.min(h.config.freshness.ohlcv.freshMs, width)
    expect(entry.freshUntil - entry.fetchedAt).toBeLessThanOrEqual(freshMs)
    expect(entry.freshUntil - entry.fetchedAt).toBeGreaterThanOrEqual(freshMs * 0.95)
    expect(entry.staleUntil - entry.freshUntil).toBe(h.config.freshness.ohlcv.staleMs)

    expect(await h.redis.hgetall(h.keys.providerCalls())).toMatchObject({
      'coingecko./coins/{id}/ohlc': expect.any(String),
    })
  })

  it('writes a negative entry for a coin CoinGecko does not know, and fails at once', async () => {
    const done = await run(h, 'no-such-coin', '30m')
    expect(await done.getState()).toBe('failed')
    expect(done.attemptsMade).toBe(1)
    const key = keyOf(h, 'no-such-coin', '30m')
    expect(await readEntry(h.redis, key)).toMatchObject({ notFound: true, source: 'coingecko' })
    const ttl = await h.redis.pttl(key)
    expect(ttl).toBeGreaterThan(0)
    expect(ttl).toBeLessThanOrEqual(h.config.freshness.ohlcv.negativeMs)
  })

  it('fails an interval CoinGecko cannot serve without calling it', async () => {
    const done = await run(h, 'bitcoin', '1h')
    expect(await done.getState()).toBe('failed')
    expect(done.attemptsMade).toBe(1)
    expect(done.failedReason).toMatch(/^INVALID_JOB: .*30m, 4h/)
    expect((await h.upstream.stats()).total).toBe(0)
  })
})

describe('coingecko.ohlc against the recorded fixtures', () => {
  const h = useHarness({ upstream: () => startFixtureServer() })

  it('writes the recorded candles, each opening 30 minutes before its close', async () => {
    const done = await run(h, 'bitcoin', '30m')
    expect(await done.getState()).toBe('completed')
    const entry = (await readEntry(h.redis, keyOf(h, 'bitcoin', '30m'))) as Envelope
    const recorded = JSON.parse(fixture('ohlc-bitcoin.json')) as number[][]
    expect((JSON.parse(entry.data) as Ohlcv).candles).toEqual(
      recorded.map(([close, o, h, l, c]) => ({
        t: (close as number) - HALF_HOUR,
        o,
        h,
        l,
        c,
        v: null,
      })),
    )
    expect(entry.asOf).toBe((recorded.at(-1) as number[])[0])
  })

  it('never caches candles of the wrong width', async () => {
    // The recording is in 30-minute candles; asked as 4h it must not be written as 4h candles.
    const job = await h.add(ohlcRequest('bitcoin', '4h'), 'update', { attempts: 1 })
    const done = await h.settled(job)
    expect(await done.getState()).toBe('failed')
    expect(done.failedReason).toMatch(/not 4h apart/)
    expect(await h.redis.exists(keyOf(h, 'bitcoin', '4h'))).toBe(0)
  })
})
