import { describe, expect, it } from 'vitest'
import { START_MS, startSimulator, TICK_MS } from '../simulator-fixture'

type Prices = Record<string, Record<string, number>>

describe('GET /api/v3/simple/price', () => {
  it('answers every asked-for field per coin and currency', async () => {
    const { json } = await startSimulator()
    const body = await json<Prices>(
      '/api/v3/simple/price?ids=bitcoin,ethereum&vs_currencies=usd,eur&include_market_cap=true&include_24hr_vol=true&include_24hr_change=true&include_last_updated_at=true',
    )

    expect(Object.keys(body).sort()).toEqual(['bitcoin', 'ethereum'])
    expect(Object.keys(body.bitcoin ?? {}).sort()).toEqual(
      [
        'usd',
        'usd_market_cap',
        'usd_24h_vol',
        'usd_24h_change',
        'eur',
        'eur_market_cap',
        'eur_24h_vol',
        'eur_24h_change',
        'last_updated_at',
      ].sort(),
    )
    for (const value of Object.values(body.bitcoin ?? {})) expect(value).toBeTypeOf('number')
    const tickStartS = Math.floor(START_MS / TICK_MS) * (TICK_MS / 1000)
    expect(body.bitcoin?.last_updated_at).toBe(tickStartS)
  })

  it('sends only prices when no include flag is set and skips unknown ids', async () => {
    const { json } = await startSimulator()
    const body = await json<Prices>(
      '/api/v3/simple/price?ids=tether,no-such-coin&vs_currencies=usd',
    )

    expect(Object.keys(body)).toEqual(['tether'])
    expect(Object.keys(body.tether ?? {})).toEqual(['usd'])
    expect(body.tether?.usd).toBeCloseTo(1, 1)
  })

  it('agrees with /coins/markets in the same tick', async () => {
    const { json } = await startSimulator()
    const prices = await json<Prices>('/api/v3/simple/price?ids=solana&vs_currencies=usd')
    const [row] = await json<Array<{ current_price: number }>>(
      '/api/v3/coins/markets?vs_currency=usd&ids=solana',
    )

    expect(prices.solana?.usd).toBe(row?.current_price)
  })

  it('answers 400 without vs_currencies', async () => {
    const { get } = await startSimulator()
    const response = await get('/api/v3/simple/price?ids=bitcoin')

    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual({ error: 'Missing parameter vs_currencies' })
  })
})

describe('GET /api/v3/ping', () => {
  it('answers like CoinGecko', async () => {
    const { get } = await startSimulator()
    const response = await get('/api/v3/ping')

    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ gecko_says: '(V3) To the Moon!' })
  })
})
