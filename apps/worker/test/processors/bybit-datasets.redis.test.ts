import { instruments } from '@marketcache/shared/datasets/instruments'
import { type Ohlcv, ohlcv } from '@marketcache/shared/datasets/ohlcv'
import { spot } from '@marketcache/shared/datasets/spot'
import { describe, expect, it } from 'vitest'
import type { Instruments } from '../../src/providers/bybit/adapter'
import { bybitEnvelope, startBybitFixtures } from '../providers/bybit/fixtures'
import { readEntry, readValue } from '../support/entries'
import { useHarness } from '../support/harness'

const h = useHarness({ upstream: startBybitFixtures, queues: ['bybit'] })
const fixtures = h.upstream

const TIME = bybitEnvelope('tickers-spot.json').time
const spotKey = (symbol: string) => h.key(spot, { exchange: 'bybit', symbol })
const value = <T>(key: string) => readValue<T>(h.redis, key)

describe('bybit.spot', () => {
  it('writes a spot entry per listed symbol and a negative one per unlisted, in one call', async () => {
    const job = await h.add({
      queue: 'bybit',
      name: 'bybit.spot',
      data: { symbols: ['BTCUSDT', 'ETHUSDT', 'NOPEUSDT'] },
    })
    const done = await h.settled(job)
    expect(await done.getState()).toBe('completed')
    expect(done.returnvalue).toEqual({
      written: [spotKey('BTCUSDT'), spotKey('ETHUSDT'), spotKey('NOPEUSDT')],
    })
    expect(fixtures.calls.map((c) => c.path)).toEqual(['/v5/market/tickers?category=spot'])
    expect(await value(spotKey('ETHUSDT'))).toEqual({
      exchange: 'bybit',
      symbol: 'ETHUSDT',
      price: 3420.17,
      bid: 3420.16,
      ask: 3420.18,
      change_24h_pct: 1.01,
      high_24h: 3488.5734,
      low_24h: 3317.5649,
      volume_24h: 234_567.1,
      as_of: new Date(TIME).toISOString(),
    })
    expect(await readEntry(h.redis, spotKey('BTCUSDT'))).toMatchObject({
      asOf: TIME,
      source: 'bybit',
    })
    expect(await readEntry(h.redis, spotKey('NOPEUSDT'))).toMatchObject({ notFound: true })
  })
})

describe('bybit.instruments', () => {
  it('writes every listed contract of the base coin', async () => {
    const job = await h.add({
      queue: 'bybit',
      name: 'bybit.instruments',
      data: { underlying: 'BTC' },
    })
    expect(await (await h.settled(job)).getState()).toBe('completed')
    const listed = await value<Instruments>(
      h.key(instruments, { exchange: 'bybit', underlying: 'BTC' }),
    )
    expect(listed.contracts).toHaveLength(16)
    expect(listed.contracts[0]).toEqual({
      symbol: 'BTC-21DEC24-95000-C',
      right: 'call',
      strike: 95_000,
      expiry: '2024-12-21T08:00:00.000Z',
      settle: 'USDC',
      multiplier: 1,
      tick_size: 5,
    })
  })
})

describe('bybit.kline', () => {
  it('writes the ohlcv entry of the pair and interval, candles ascending', async () => {
    const job = await h.add({
      queue: 'bybit',
      name: 'bybit.kline',
      data: { symbol: 'BTCUSDT', interval: '4h' },
    })
    expect(await (await h.settled(job)).getState()).toBe('completed')
    expect(fixtures.calls[0]?.path).toContain('interval=240')
    const series = await value<Ohlcv>(
      h.key(ohlcv, { exchange: 'bybit', symbol: 'BTCUSDT', interval: '4h' }),
    )
    expect(series).toMatchObject({ exchange: 'bybit', symbol: 'BTCUSDT', interval: '4h' })
    const times = series.candles.map((c) => c.t)
    expect(times).toEqual([...times].sort((a, b) => a - b))
  })
})
