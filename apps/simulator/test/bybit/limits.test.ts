import { describe, expect, it } from 'vitest'
import { START_MS, startSimulator } from '../simulator-fixture'
import { envelope, result } from './bybit-fixture'

const SPOT = '/v5/market/tickers?category=spot&symbol=BTCUSDT'
const KLINE = '/v5/market/kline?category=spot&symbol=BTCUSDT&interval=1&limit=1'
const TOO_MANY = { retCode: 10006, retMsg: 'Too many visits!', result: {} }

describe('Bybit per-endpoint rate limit', () => {
  it('sends X-Bapi-Limit headers, then retCode 10006 past the limit, per endpoint', async () => {
    const { get, clock } = await startSimulator({ bybit: { rateLimitPerSecond: 3 } })
    const first = await get(SPOT)
    expect(first.headers['x-bapi-limit']).toBe('3')
    expect(first.headers['x-bapi-limit-status']).toBe('2')
    expect(first.headers['x-bapi-limit-reset-timestamp']).toBe(String(START_MS + 1_000))
    clock.advance(300)
    expect((await get(SPOT)).headers['x-bapi-limit-status']).toBe('1')
    expect((await get(SPOT)).headers['x-bapi-limit-status']).toBe('0')

    const limited = await get(SPOT)
    expect(limited.statusCode).toBe(200)
    expect(envelope(limited)).toMatchObject(TOO_MANY)
    expect(limited.headers['x-bapi-limit-status']).toBe('0')
    expect(limited.headers['x-bapi-limit-reset-timestamp']).toBe(String(START_MS + 1_000))
    // Another endpoint has its own budget.
    expect(envelope(await get(KLINE)).retCode).toBe(0)

    clock.advance(700)
    expect(envelope(await get(SPOT)).retCode).toBe(0)
  })

  it('can leave out the reset header', async () => {
    const { get } = await startSimulator({
      bybit: { rateLimitPerSecond: 1, omitResetHeader: true },
    })
    const ok = await get(SPOT)
    const limited = await get(SPOT)

    expect(envelope(limited)).toMatchObject(TOO_MANY)
    for (const response of [ok, limited]) {
      expect(response.headers['x-bapi-limit']).toBe('1')
      expect(response.headers['x-bapi-limit-status']).toBeDefined()
      expect(response.headers).not.toHaveProperty('x-bapi-limit-reset-timestamp')
    }
  })

  it('answers the next N calls 10006 when forced, at start or at run time', async () => {
    const { get, post, json } = await startSimulator({ bybit: { forcedRateLimit: 1 } })
    expect(envelope(await get(SPOT))).toMatchObject(TOO_MANY)
    expect(envelope(await get(SPOT)).retCode).toBe(0)

    await post('/__sim/faults', { bybit: { forcedRateLimit: 2 } })
    const codes = []
    for (let i = 0; i < 3; i++) codes.push(envelope(await get(KLINE)).retCode)
    expect(codes).toEqual([10006, 10006, 0])
    expect(await json('/__sim/faults')).toMatchObject({ bybit: { forcedRateLimit: 0 } })
  })
})

describe('Bybit IP ban', () => {
  it('bans with 403 "access too frequent" past the IP limit, until the ban ends', async () => {
    const { get, clock } = await startSimulator({ bybit: { ipLimitPer5s: 4, banMs: 60_000 } })
    for (let i = 0; i < 4; i++) expect((await get(SPOT)).statusCode).toBe(200)

    const banned = await get(SPOT)
    expect(banned.statusCode).toBe(403)
    expect(banned.headers['content-type']).toMatch(/^text\/plain/)
    expect(banned.body).toBe('access too frequent')
    clock.advance(59_999)
    expect((await get(KLINE)).statusCode).toBe(403)
    // Other providers are not Bybit's business.
    expect((await get('/api/v3/ping')).statusCode).toBe(200)

    clock.advance(1)
    expect(result(await get(SPOT))).toHaveProperty('list')
  })

  it('bans at once when forced, and counts banned calls', async () => {
    const { get, post, json, clock } = await startSimulator({ bybit: { banMs: 5_000 } })
    await post('/__sim/faults', { bybit: { forceBan: true } })
    expect(await json('/__sim/faults')).toMatchObject({ bybit: { forceBan: true } })

    expect((await get(SPOT)).statusCode).toBe(403)
    expect(await json('/__sim/faults')).toMatchObject({ bybit: { forceBan: false } })
    expect((await get(SPOT)).statusCode).toBe(403)
    clock.advance(5_000)
    expect((await get(SPOT)).statusCode).toBe(200)
    expect(await json('/__sim/stats')).toMatchObject({
      byStatus: { '403': 2, '200': 1 },
      byProvider: { bybit: 3 },
    })
  })

  it('lifts a ban on reset', async () => {
    const { get, post } = await startSimulator({ bybit: { banMs: 600_000 } })
    await post('/__sim/faults', { bybit: { forceBan: true } })
    expect((await get(SPOT)).statusCode).toBe(403)

    await post('/__sim/reset', {})
    expect((await get(SPOT)).statusCode).toBe(200)
  })
})

describe('Bybit faults', () => {
  it('answers retCode 10016 at errorRate 1', async () => {
    const { get } = await startSimulator({ faults: { errorRate: 1 } })
    const failed = envelope(await get(SPOT))

    expect(failed).toMatchObject({ retCode: 10016, result: {} })
  })

  it('spoils numbers at malformedRate 1, kind shape, but leaves params errors alone', async () => {
    const { get } = await startSimulator({ faults: { malformedRate: 1, malformedKind: 'shape' } })
    const spoiled = result<{ list: Array<Record<string, string>> }>(await get(SPOT))
    const klines = result<{ list: string[][] }>(await get(KLINE))

    expect(spoiled.list[0]?.lastPrice).toBe('n/a')
    expect(spoiled.list[0]?.symbol).toBe('BTCUSDT')
    expect(klines.list[0]?.[1]).toBe('n/a')
    expect(envelope(await get('/v5/market/tickers?category=spot&symbol=NOPE')).retCode).toBe(10001)
  })

  it('truncates the JSON at malformedRate 1, kind truncated', async () => {
    const { get } = await startSimulator({ faults: { malformedRate: 1 } })
    const response = await get(SPOT)

    expect(response.statusCode).toBe(200)
    expect(() => JSON.parse(response.body)).toThrow()
  })
})
