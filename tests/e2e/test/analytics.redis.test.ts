import { cacheKey } from '@marketcache/shared/dataset'
import { spot } from '@marketcache/shared/datasets/spot'
import { Keys } from '@marketcache/shared/keys'
import { buildEnvelope } from '@marketcache/worker/envelope-builder'
import { EnvelopeWriter } from '@marketcache/worker/envelope-writer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WRITE_KEY } from '../src/stack'
import { eventually, type Stack, startStack } from './support/stack'

const calls = async (stack: Stack, endpoint: string) =>
  (await stack.simStats()).byEndpoint[endpoint] ?? 0

describe('derived analytics through the whole stack', () => {
  let stack: Stack
  beforeAll(async () => {
    stack = await startStack({
      sim: { bybit: { rateLimitPerSecond: 0, ipLimitPer5s: 0 } },
      workerEnv: { BYBIT_RATE_MAX: '1000', DERIVE_CONCURRENCY: '8' },
      apiEnv: { READ_WAIT_MS: '10000' },
    })
  })
  afterAll(() => stack.close())

  it('answers a cold collar request after fetching each input once', async () => {
    const response = await stack.get(
      '/v1/crypto-collar?underlying=BTC&min_days=1&max_days=60&limit=5',
    )
    expect(response.status).toBe(200)
    expect(response.headers.get('x-cache-status')).toBe('MISS')
    const body = (await response.json()) as {
      metadata: { underlying: string; spot: number; total_count: number; matched: number }
      collars: {
        put_strike: number
        call_strike: number
        days_to_expiry: number
        gain_to_risk: number
      }[]
    }
    expect(body.metadata).toMatchObject({ underlying: 'BTC' })
    expect(body.metadata.total_count).toBeGreaterThan(0)
    expect(body.collars.length).toBeLessThanOrEqual(5)
    for (const c of body.collars) {
      expect(c.put_strike).toBeLessThan(c.call_strike)
      expect(c.days_to_expiry).toBeGreaterThanOrEqual(1)
    }
    const ratios = body.collars.map((c) => c.gain_to_risk)
    expect(ratios).toEqual([...ratios].sort((a, b) => b - a))
    // One option tickers call for the chain, one spot tickers call, one instruments listing.
    expect(await calls(stack, '/v5/market/tickers')).toBe(2)
    expect(await calls(stack, '/v5/market/instruments-info')).toBe(1)

    const again = await stack.get('/v1/crypto-collar?underlying=BTC&sort=max_gain&limit=3')
    expect(again.headers.get('x-cache-status')).toBe('HIT')
  })

  it('serves a collar STALE once spot has moved 6 % and recomputes it at the new spot', async () => {
    const before = (await (await stack.get('/v1/crypto-collar?underlying=BTC&limit=1')).json()) as {
      metadata: { spot: number }
    }
    // A spot write 6 % up, through the worker's own envelope writer, as a provider write would land.
    const keys = new Keys(stack.keyPrefix)
    const params = { exchange: 'bybit', symbol: 'BTCUSDT' } as const
    const current = JSON.parse(
      (await stack.redis.hget(cacheKey(keys, spot, params), 'data')) ?? '{}',
    )
    const moved = {
      ...current,
      price: before.metadata.spot * 1.06,
      as_of: new Date().toISOString(),
    }
    const policy = { freshMs: 60_000, staleMs: 60_000, errorMs: 600_000, negativeMs: 60_000 }
    await new EnvelopeWriter(stack.redis, keys).write([
      {
        key: cacheKey(keys, spot, params),
        envelope: buildEnvelope({
          dataset: spot,
          value: moved,
          asOf: Date.now(),
          source: 'bybit',
          policy,
          now: Date.now(),
        }),
      },
    ])

    const stale = await stack.get('/v1/crypto-collar?underlying=BTC&limit=1')
    expect(stale.headers.get('x-cache-status')).toBe('STALE')
    const recomputed = await eventually(async () => {
      const response = await stack.get('/v1/crypto-collar?underlying=BTC&limit=1')
      return response.headers.get('x-cache-status') === 'HIT'
        ? ((await response.json()) as { metadata: { spot: number } })
        : undefined
    })
    expect(recomputed.metadata.spot).toBeCloseTo(before.metadata.spot * 1.06, 2)
  })

  it('serves the options summary of the cached chain', async () => {
    const before = await calls(stack, '/v5/market/tickers')
    const response = await stack.get('/v1/options/bybit/BTC/summary')
    expect(response.status).toBe(200)
    const summary = (await response.json()) as { expiries: { max_pain: number | null }[] }
    expect(summary.expiries.length).toBeGreaterThan(0)
    // Built from the chain already cached for the collar: no new provider call.
    expect(await calls(stack, '/v5/market/tickers')).toBe(before)
  })

  it('computes the same backtest once, whatever the spelling of its parameters', async () => {
    const first = await stack.get('/v1/backtests?symbol=BTCUSDT&interval=1d')
    expect(first.status).toBe(200)
    expect(first.headers.get('x-cache-status')).toBe('MISS')
    const result = (await first.json()) as {
      trade_count: number
      equity_curve: unknown[]
      candles: number
    }
    expect(result.candles).toBeGreaterThan(100)
    expect(result.equity_curve.length).toBeLessThanOrEqual(500)

    const klines = await calls(stack, '/v5/market/kline')
    const second = await stack.get(
      '/v1/backtests?interval=1d&rsi_period=14&oversold=30&overbought=70&symbol=btcusdt',
    )
    expect(second.headers.get('x-cache-status')).toBe('HIT')
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'))
    expect(await calls(stack, '/v5/market/kline')).toBe(klines)
  })

  it('recomputes a cached backtest on fresh=true and on update-cache, answering the new version', async () => {
    const url = '/v1/backtests?symbol=BTCUSDT&interval=1d'
    const cached = await stack.get(url)
    expect(cached.headers.get('x-cache-status')).toBe('HIT')
    const age = async () => Number((await stack.get(url)).headers.get('age'))
    await new Promise((resolve) => setTimeout(resolve, 1100))
    expect(await age()).toBeGreaterThanOrEqual(1)

    const forced = await stack.get(`${url}&fresh=true&wait=5000`, {
      authorization: `Bearer ${WRITE_KEY}`,
    })
    expect(forced.status).toBe(200)
    expect(forced.headers.get('x-cache-status')).toBe('MISS')
    expect(forced.headers.get('age')).toBe('0')

    await new Promise((resolve) => setTimeout(resolve, 1100))
    const update = await stack.post('/v1/update-cache', {
      dataset: 'backtest',
      params: { symbol: 'BTCUSDT', interval: '1d' },
    })
    expect(update.status).toBe(202)
    const { jobs } = (await update.json()) as { jobs: { id: string }[] }
    await eventually(async () => {
      const job = (await (await stack.get(`/v1/jobs/${jobs[0]?.id}`)).json()) as { state: string }
      return job.state === 'completed' ? job : undefined
    })
    expect(await age()).toBe(0)
  })

  it('runs a batch over 50 symbols to 50 results', async () => {
    const pairs = (await (
      await fetch(`${stack.sim}/v5/market/instruments-info?category=spot`)
    ).json()) as {
      result: { list: { symbol: string }[] }
    }
    const symbols = pairs.result.list
      .map((p) => p.symbol)
      .filter((s) => s.endsWith('USDT'))
      .slice(0, 50)
    expect(symbols).toHaveLength(50)
    const response = await stack.post('/v1/backtests/batch', { symbols, interval: '1d' })
    expect(response.status).toBe(202)
    const { batch } = (await response.json()) as { batch: { id: string; total: number } }
    expect(batch.total).toBe(50)
    const done = await eventually(async () => {
      const status = (await (await stack.get(`/v1/backtests/batch/${batch.id}`)).json()) as {
        state: string
        completed: number
        failed: number
        results: { symbol: string }[]
      }
      return status.state === 'completed' ? status : undefined
    }, 60_000)
    expect(done.completed).toBe(50)
    expect(done.failed).toBe(0)
    expect(new Set(done.results.map((r) => r.symbol))).toEqual(new Set(symbols))
  })
})
