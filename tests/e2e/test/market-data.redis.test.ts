import { cacheKey } from '@marketcache/shared/dataset'
import { type Ohlcv, ohlcv } from '@marketcache/shared/datasets/ohlcv'
import { type OptionChain, optionChain } from '@marketcache/shared/datasets/option-chain'
import { Keys } from '@marketcache/shared/keys'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually, type Stack, startStack } from './support/stack'

const calls = async (stack: Stack, endpoint: string) =>
  (await stack.simStats()).byEndpoint[endpoint] ?? 0

async function missThenHit(stack: Stack, path: string) {
  const cold = await stack.get(path)
  expect(cold.status, path).toBe(200)
  expect(cold.headers.get('x-cache-status'), path).toBe('MISS')
  const warm = await stack.get(path)
  expect(warm.headers.get('x-cache-status'), path).toBe('HIT')
  expect(warm.headers.get('etag')).toBe(cold.headers.get('etag'))
  return warm.json()
}

describe('market data through the whole stack', () => {
  let stack: Stack
  beforeAll(async () => {
    stack = await startStack({
      sim: { bybit: { rateLimitPerSecond: 0, ipLimitPer5s: 0 }, ibkr: { pacingPerSecond: 0 } },
      // Small IBKR qualification so a cold chain is a handful of calls.
      workerEnv: { IBKR_CHAIN_MONTHS: '1', IBKR_CHAIN_STRIKES: '4', IBKR_RATE_MAX: '1000' },
      apiEnv: { READ_WAIT_MS: '8000' },
    })
  })
  afterAll(() => stack.close())

  it('serves Bybit and IBKR spot, MISS then HIT', async () => {
    expect(await missThenHit(stack, '/v1/spot/bybit/BTCUSDT')).toMatchObject({
      exchange: 'bybit',
      symbol: 'BTCUSDT',
    })
    expect(await missThenHit(stack, '/v1/spot/ibkr/AAPL')).toMatchObject({
      exchange: 'ibkr',
      symbol: 'AAPL',
    })
  })

  it('turns 50 concurrent cold chain reads into one option tickers call', async () => {
    const before = await calls(stack, '/v5/market/tickers')
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => stack.get('/v1/options/bybit/ETH/chain')),
    )
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200))
    expect(new Set(responses.map((r) => r.headers.get('etag'))).size).toBe(1)
    expect((await calls(stack, '/v5/market/tickers')) - before).toBe(1)
    const chain = (await responses[0]?.json()) as OptionChain
    expect(chain.expiries.length).toBeGreaterThan(3)
    expect(chain.underlying_price).toBeGreaterThan(0)
  })

  it('filters the cached chain at read time without another provider call', async () => {
    const before = await calls(stack, '/v5/market/tickers')
    const response = await stack.get(
      '/v1/options/bybit/ETH/chain?right=put&maxDays=10&minStrike=1000',
    )
    expect(response.status).toBe(200)
    expect(response.headers.get('x-cache-status')).toBe('HIT')
    const chain = (await response.json()) as OptionChain
    expect(chain.expiries.length).toBeGreaterThan(0)
    for (const expiry of chain.expiries) {
      expect(expiry.days_to_expiry).toBeLessThanOrEqual(10)
      for (const strike of expiry.strikes) {
        expect(strike.call).toBeNull()
        expect(strike.strike).toBeGreaterThanOrEqual(1000)
      }
    }
    expect(await calls(stack, '/v5/market/tickers')).toBe(before)
  })

  it('qualifies IBKR contracts once and serves the chain from their snapshots', async () => {
    const chain = (await missThenHit(stack, '/v1/options/ibkr/AAPL/chain')) as OptionChain
    expect(chain.expiries.length).toBeGreaterThan(0)
    const instruments = await stack.get('/v1/instruments/ibkr/AAPL')
    expect(instruments.headers.get('x-cache-status')).toBe('HIT')
  })

  it('serves candles from Bybit and CoinGecko', async () => {
    const bybit = (await missThenHit(stack, '/v1/ohlcv/bybit/BTCUSDT?interval=1h')) as {
      candles: { t: number }[]
    }
    const times = bybit.candles.map((c) => c.t)
    expect(times).toEqual([...times].sort((a, b) => a - b))
    const limited = (await (
      await stack.get('/v1/ohlcv/bybit/BTCUSDT?interval=1h&limit=5')
    ).json()) as {
      candles: unknown[]
    }
    expect(limited.candles).toHaveLength(5)
    await missThenHit(stack, '/v1/ohlcv/coingecko/bitcoin?interval=4h')
  })

  it('serves IBKR daily and hourly bars through the ohlcv dataset, MISS then HIT', async () => {
    const before = await calls(stack, '/iserver/marketdata/history')
    const daily = (await missThenHit(stack, '/v1/ohlcv/ibkr/AAPL?interval=1d')) as Ohlcv
    expect(daily).toMatchObject({ exchange: 'ibkr', symbol: 'AAPL', interval: '1d' })
    expect(daily.candles.length).toBeGreaterThan(200)
    const hourly = (await missThenHit(stack, '/v1/ohlcv/ibkr/aapl?interval=1h')) as Ohlcv
    expect(hourly.candles.length).toBeGreaterThan(100)
    const times = hourly.candles.map((candle) => candle.t)
    expect(times).toEqual([...times].sort((a, b) => a - b))
    // One history call per interval; the HITs and a read-time limit cost none.
    const limited = await stack.get('/v1/ohlcv/ibkr/AAPL?interval=1d&limit=5')
    expect(((await limited.json()) as Ohlcv).candles).toEqual(daily.candles.slice(-5))
    expect((await calls(stack, '/iserver/marketdata/history')) - before).toBe(2)
    // Stored through the one key builder, like every other series.
    expect(
      await stack.redis.exists(
        cacheKey(new Keys(stack.keyPrefix), ohlcv, {
          exchange: 'ibkr',
          symbol: 'AAPL',
          interval: '1d',
        }),
      ),
    ).toBe(1)
  })

  it('answers 400 naming the allowed intervals for an IBKR one it does not serve', async () => {
    const before = (await stack.simStats()).total
    const response = await stack.get('/v1/ohlcv/ibkr/AAPL?interval=4h')
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      statusCode: 400,
      code: 'INVALID_PARAMS',
      error: 'Bad Request',
      message: 'interval must be one of 1h, 1d on ibkr',
    })
    expect((await stack.simStats()).total).toBe(before)
  })

  it('serves market status for crypto and US equities', async () => {
    expect(await missThenHit(stack, '/v1/market-status/crypto')).toMatchObject({
      status: 'open',
      is_open: true,
    })
    const equities = (await missThenHit(stack, '/v1/market-status/us-equities')) as {
      timezone: string
    }
    expect(equities.timezone).toBe('America/New_York')
  })

  it('refreshes any dataset on demand with {dataset, params}', async () => {
    const response = await stack.post('/v1/update-cache', {
      dataset: 'option-chain',
      params: { exchange: 'bybit', underlying: 'SOL' },
    })
    expect(response.status).toBe(202)
    const { jobs } = (await response.json()) as { jobs: { id: string; key: string }[] }
    expect(jobs[0]?.key).toBe(
      cacheKey(new Keys(stack.keyPrefix), optionChain, { exchange: 'bybit', underlying: 'SOL' }),
    )
    await eventually(async () => {
      const job = (await (await stack.get(`/v1/jobs/${jobs[0]?.id}`)).json()) as { state: string }
      return job.state === 'completed' ? true : undefined
    })
    expect((await stack.get('/v1/options/bybit/SOL/chain')).headers.get('x-cache-status')).toBe(
      'HIT',
    )
  })

  it('rejects symbols in the wrong form for the exchange, naming the accepted form', async () => {
    const response = await stack.get('/v1/spot/bybit/BTC-USDT')
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({
      code: 'INVALID_PARAMS',
      message: expect.stringMatching(/BTCUSDT/),
    })
  })
})
