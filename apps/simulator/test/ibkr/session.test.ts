import { describe, expect, it } from 'vitest'
import { startSimulator } from '../simulator-fixture'

const STATUS = '/v1/api/iserver/auth/status'
const SEARCH = '/v1/api/iserver/secdef/search?symbol=SPY'

describe('IBKR session and pacing', () => {
  it('reports an authenticated session, by GET or POST', async () => {
    const { get, post } = await startSimulator()
    for (const response of [await get(STATUS), await post(STATUS, {})]) {
      expect(response.statusCode).toBe(200)
      expect(response.json()).toMatchObject({
        authenticated: true,
        competing: false,
        connected: true,
      })
    }
  })

  it('answers 401 on /iserver routes once the session is gone, and recovers', async () => {
    const { get, post } = await startSimulator()
    await post('/__sim/faults', { ibkr: { authenticated: false } })

    expect((await get(STATUS)).json()).toMatchObject({ authenticated: false, connected: true })
    const refused = await get(SEARCH)
    expect(refused.statusCode).toBe(401)
    expect(refused.json()).toMatchObject({ statusCode: 401 })
    expect((await get('/v1/api/iserver/marketdata/snapshot?conids=756733')).statusCode).toBe(401)
    const history = await get('/v1/api/iserver/marketdata/history?conid=756733&period=1w&bar=1d')
    expect(history.statusCode).toBe(401)

    await post('/__sim/faults', { ibkr: { authenticated: true } })
    expect((await get(SEARCH)).statusCode).toBe(200)
  })

  it('answers 429 past the pacing limit, until the next second', async () => {
    const { get, clock } = await startSimulator({ ibkr: { pacingPerSecond: 3 } })
    const statuses = []
    for (let i = 0; i < 5; i++) statuses.push((await get(SEARCH)).statusCode)

    expect(statuses).toEqual([200, 200, 200, 429, 429])
    const limited = await get(STATUS)
    expect(limited.json()).toEqual({ error: 'Too Many Requests', statusCode: 429 })
    clock.advance(1_000)
    expect((await get(SEARCH)).statusCode).toBe(200)
  })

  it('answers the next N calls 429 when forced', async () => {
    const { get, post, json } = await startSimulator()
    await post('/__sim/faults', { ibkr: { forced429: 2 } })
    const statuses = []
    for (let i = 0; i < 3; i++) statuses.push((await get(SEARCH)).statusCode)

    expect(statuses).toEqual([429, 429, 200])
    expect(await json('/__sim/stats')).toMatchObject({
      byStatus: { '429': 2, '200': 1 },
      byProvider: { ibkr: 3, bybit: 0, coingecko: 0 },
      bySymbol: { SPY: 3 },
    })
  })

  it('answers 500 with the gateway’s error body at errorRate 1', async () => {
    const { get } = await startSimulator({ faults: { errorRate: 1 } })
    const failed = await get(SEARCH)

    expect(failed.statusCode).toBe(500)
    expect(failed.json()).toMatchObject({ statusCode: 500 })
  })
})
