import { describe, expect, it } from 'vitest'
import { startSimulator } from './simulator-fixture'

const post = (app: Awaited<ReturnType<typeof startSimulator>>['app'], payload: unknown) =>
  app.inject({ method: 'POST', url: '/__sim/faults', payload: payload as object })

describe('/__sim/faults', () => {
  it('reports the current faults, latency and quota', async () => {
    const { json } = await startSimulator({
      latencyMs: 5,
      quotaPerWindow: 10,
      quotaWindowMs: 1_000,
      bybit: { rateLimitPerSecond: 7, ipLimitPer5s: 100 },
      ibkr: { pacingPerSecond: 4 },
    })

    expect(await json('/__sim/faults')).toEqual({
      errorRate: 0,
      malformedRate: 0,
      malformedKind: 'truncated',
      slowRate: 0,
      slowMs: 3_000,
      html429: false,
      forced429: 0,
      forced429RetryAfterS: 1,
      latencyMs: 5,
      quotaPerWindow: 10,
      quotaWindowMs: 1_000,
      bybit: {
        rateLimitPerSecond: 7,
        forcedRateLimit: 0,
        omitResetHeader: false,
        ipLimitPer5s: 100,
        banMs: 600_000,
        forceBan: false,
      },
      ibkr: { pacingPerSecond: 4, forced429: 0, authenticated: true },
    })
  })

  it('changes only the posted fields and returns the new values', async () => {
    const { app, json } = await startSimulator()
    const response = await post(app, { errorRate: 0.25, malformedKind: 'shape', latencyMs: 0 })

    expect(response.statusCode).toBe(200)
    expect(response.json()).toMatchObject({
      errorRate: 0.25,
      malformedKind: 'shape',
      malformedRate: 0,
    })
    expect(await json('/__sim/faults')).toEqual(response.json())
  })

  it('patches provider sections field by field', async () => {
    const { app, json } = await startSimulator()
    const response = await post(app, { bybit: { banMs: 2_000 }, ibkr: { forced429: 3 } })

    expect(response.statusCode).toBe(200)
    expect(response.json()).toMatchObject({
      bybit: { banMs: 2_000, rateLimitPerSecond: 0, omitResetHeader: false },
      ibkr: { forced429: 3, authenticated: true },
    })
    expect(await json('/__sim/faults')).toEqual(response.json())
  })

  it('applies changes to the next provider call', async () => {
    const { app, get } = await startSimulator()
    expect((await get('/api/v3/coins/bitcoin')).statusCode).toBe(200)

    await post(app, { errorRate: 1 })
    expect((await get('/api/v3/coins/bitcoin')).statusCode).toBe(500)

    await post(app, { errorRate: 0, quotaPerWindow: 1 })
    expect((await get('/api/v3/coins/bitcoin')).statusCode).toBe(200)
    expect((await get('/api/v3/coins/bitcoin')).statusCode).toBe(429)

    await post(app, { quotaPerWindow: 0, forced429: 1, forced429RetryAfterS: 3 })
    const forced = await get('/api/v3/coins/bitcoin')
    expect(forced.statusCode).toBe(429)
    expect(forced.headers['retry-after']).toBe('3')
    expect((await get('/api/v3/coins/bitcoin')).statusCode).toBe(200)
  })

  it.each([
    [{ errorRate: 1.5 }, /errorRate must be a number from 0 to 1/],
    [{ slowRate: -0.1 }, /slowRate must be a number from 0 to 1/],
    [{ latencyMs: -1 }, /latencyMs must be an integer >= 0/],
    [{ quotaPerWindow: 'ten' }, /quotaPerWindow must be an integer >= 0/],
    [{ malformedKind: 'garbled' }, /malformedKind must be one of truncated, shape/],
    [{ html429: 'yes' }, /html429 must be true or false/],
    [{ errorRat: 1 }, /unknown field "errorRat"/],
    [[1, 2], /expected a JSON object/],
    [{ bybit: { banMs: -1 } }, /bybit\.banMs must be an integer >= 0/],
    [{ bybit: { rateLimit: 5 } }, /unknown field "bybit\.rateLimit"/],
    [{ bybit: { forceBan: 1 } }, /bybit\.forceBan must be true or false/],
    [{ ibkr: 5 }, /ibkr must be a JSON object/],
    [{ ibkr: { authenticated: 'no' } }, /ibkr\.authenticated must be true or false/],
    [{ ibkr: { pacingPerSecond: 2.5 } }, /ibkr\.pacingPerSecond must be an integer >= 0/],
  ])('rejects %j with 400 and a clear message', async (payload, message) => {
    const { app, json } = await startSimulator()
    const before = await json('/__sim/faults')
    const response = await post(app, payload)

    expect(response.statusCode).toBe(400)
    expect(response.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' })
    expect(response.json<{ message: string }>().message).toMatch(message)
    expect(await json('/__sim/faults')).toEqual(before)
  })
})
