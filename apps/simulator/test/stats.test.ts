import { describe, expect, it } from 'vitest'
import { startSimulator } from './simulator-fixture'

describe('GET /__sim/stats', () => {
  it('starts at zero with every endpoint listed', async () => {
    const { json } = await startSimulator()

    expect(await json('/__sim/stats')).toEqual({
      total: 0,
      byEndpoint: { '/coins/{id}': 0, '/coins/markets': 0, '/simple/price': 0, '/ping': 0 },
      byCoin: {},
      byStatus: {},
      withApiKey: 0,
    })
  })

  it('counts calls per endpoint, coin named, status and API key', async () => {
    const { get, json } = await startSimulator()
    await get('/api/v3/ping')
    await get('/api/v3/coins/bitcoin', { 'x-cg-demo-api-key': 'demo-key' })
    await get('/api/v3/coins/bitcoin', { 'x-cg-pro-api-key': 'pro-key' })
    await get('/api/v3/coins/no-such-coin')
    await get('/api/v3/coins/markets?vs_currency=usd&ids=bitcoin,ethereum&x_cg_demo_api_key=k')
    await get('/api/v3/coins/markets?vs_currency=usd&per_page=250')
    await get('/api/v3/coins/markets?ids=solana')
    await get('/api/v3/simple/price?ids=ethereum,tether&vs_currencies=usd')

    expect(await json('/__sim/stats')).toEqual({
      total: 8,
      byEndpoint: { '/coins/{id}': 3, '/coins/markets': 3, '/simple/price': 1, '/ping': 1 },
      // The unfiltered markets page names no coins, so it adds none.
      byCoin: { bitcoin: 3, 'no-such-coin': 1, ethereum: 2, tether: 1, solana: 1 },
      byStatus: { '200': 6, '404': 1, '400': 1 },
      withApiKey: 3,
    })
  })

  it('counts calls answered with faults and 429s, but not control calls', async () => {
    const { get, json } = await startSimulator({ faults: { forced429: 1, errorRate: 1 } })
    await get('/api/v3/coins/bitcoin')
    await get('/api/v3/coins/bitcoin')
    await get('/__sim/faults')
    await get('/__sim/stats')

    expect(await json('/__sim/stats')).toMatchObject({
      total: 2,
      byCoin: { bitcoin: 2 },
      byStatus: { '429': 1, '500': 1 },
    })
  })
})

describe('POST /__sim/reset', () => {
  it('clears stats, the quota window and forced 429s, and restores starting faults', async () => {
    const { app, get, json } = await startSimulator({
      quotaPerWindow: 1,
      faults: { malformedRate: 0 },
    })
    await get('/api/v3/coins/bitcoin')
    expect((await get('/api/v3/coins/bitcoin')).statusCode).toBe(429)
    await app.inject({
      method: 'POST',
      url: '/__sim/faults',
      payload: { forced429: 3, errorRate: 1 },
    })

    const reset = await app.inject({ method: 'POST', url: '/__sim/reset' })

    expect(reset.statusCode).toBe(204)
    expect(reset.body).toBe('')
    expect(await json('/__sim/stats')).toMatchObject({ total: 0, byCoin: {}, byStatus: {} })
    expect(await json('/__sim/faults')).toMatchObject({
      forced429: 0,
      errorRate: 0,
      quotaPerWindow: 1,
    })
    expect((await get('/api/v3/coins/bitcoin')).statusCode).toBe(200)
  })
})
