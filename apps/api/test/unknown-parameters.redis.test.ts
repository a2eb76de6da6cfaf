import { cacheKey } from '@marketcache/shared/dataset'
import { coin } from '@marketcache/shared/datasets/coin'
import { describe, expect, it } from 'vitest'
import { coinData, envelope, writeEntry } from './fixtures/cache-writer'
import { TestKeys, useTestApp } from './fixtures/test-app'

const t = useTestApp()

function expectUnknown(response: { statusCode: number; json(): unknown }, name: string) {
  expect(response.statusCode).toBe(400)
  expect(response.json()).toEqual({
    statusCode: 400,
    code: 'UNKNOWN_PARAMETER',
    error: 'Bad Request',
    message: expect.stringContaining(`unknown query parameter "${name}"`),
  })
}

describe('query parameters a route does not take', () => {
  it('answer 400 UNKNOWN_PARAMETER naming the parameter and what the route takes', async () => {
    const response = await t.app.inject('/v1/coins/bitcoin?force_refresh=true')
    expectUnknown(response, 'force_refresh')
    expect(response.json().message).toContain('takes wait, fresh, maxStaleness')
    expectUnknown(await t.app.inject('/v1/coins/bitcoin?maxStalenes=5'), 'maxStalenes')
    expectUnknown(await t.app.inject('/v1/coins?ids=bitcoin&crypto_id=btc'), 'crypto_id')
    expectUnknown(await t.app.inject('/v1/crypto-collar?underlying=BTC&strategy=macd'), 'strategy')
  })

  it('are refused on routes without query parameters too, and nothing is enqueued or lost', async () => {
    const key = cacheKey(t.keys, coin, { id: 'bitcoin' })
    await writeEntry(t.redis, t.keys, key, envelope(coinData('bitcoin')))
    const stats = await t.app.inject('/v1/cache/stats?from_cache=true')
    expectUnknown(stats, 'from_cache')
    expect(stats.json().message).toContain('takes no query parameters')
    const update = await t.app.inject({
      method: 'POST',
      url: '/v1/update-cache?force=1',
      headers: { authorization: `Bearer ${TestKeys.writer}` },
      payload: { dataset: 'coin', ids: ['bitcoin'] },
    })
    expectUnknown(update, 'force')
    expect(await t.pendingJobs()).toHaveLength(0)
    const read = await t.app.inject('/v1/coins/bitcoin')
    expect(read.statusCode).toBe(200)
    expect(read.body).toBe(coinData('bitcoin'))
  })

  it('bound the name they echo, and leave declared parameters and other routes alone', async () => {
    const long = 'x'.repeat(300)
    const response = await t.app.inject(`/v1/coins/bitcoin?${long}=1`)
    expect(response.statusCode).toBe(400)
    expect(response.json().message.length).toBeLessThan(200)
    await writeEntry(
      t.redis,
      t.keys,
      cacheKey(t.keys, coin, { id: 'bitcoin' }),
      envelope(coinData('bitcoin')),
    )
    expect((await t.app.inject('/v1/coins/bitcoin?wait=0&maxStaleness=600')).statusCode).toBe(200)
    expect((await t.app.inject('/health?probe=1')).statusCode).toBe(200)
  })
})

describe('the backtest strategy', () => {
  it('takes rsi, the one implemented, and refuses another with a 400 naming it', async () => {
    const other = await t.app.inject('/v1/backtests?symbol=BTCUSDT&strategy=macd&wait=0')
    expect(other.statusCode).toBe(400)
    expect(other.json().message).toContain('strategy')
    const rsi = await t.app.inject('/v1/backtests?symbol=BTCUSDT&strategy=rsi&wait=0')
    expect(rsi.statusCode).toBe(503)
    expect(rsi.json().code).toBe('FILL_PENDING')
  })
})
