import { describe, expect, it } from 'vitest'
import { START_MS, startSimulator } from '../simulator-fixture'

const MINUTE_MS = 60_000
const ohlc = (query: string, id = 'bitcoin') => `/api/v3/coins/${id}/ohlc?vs_currency=usd&${query}`

describe('GET /api/v3/coins/{id}/ohlc', () => {
  it.each([
    ['1', 30 * MINUTE_MS, 48],
    ['7', 4 * 60 * MINUTE_MS, 42],
    ['30', 4 * 60 * MINUTE_MS, 180],
    ['90', 4 * 1440 * MINUTE_MS, 22],
    ['365', 4 * 1440 * MINUTE_MS, 91],
  ])(
    'days=%s: completed candles of CoinGecko’s granularity, oldest first',
    async (days, length, count) => {
      const { json } = await startSimulator()
      const rows = await json<number[][]>(ohlc(`days=${days}`))

      expect(rows).toHaveLength(count)
      rows.forEach((row, i) => {
        expect(row).toHaveLength(5)
        for (const value of row) expect(value).toBeTypeOf('number')
        const [close, open, high, low, last] = row as [number, number, number, number, number]
        expect(close % length).toBe(0)
        if (i > 0) expect(close - rows[i - 1]![0]!).toBe(length)
        expect(high).toBeGreaterThanOrEqual(Math.max(open, last))
        expect(low).toBeLessThanOrEqual(Math.min(open, last))
      })
      expect(rows.at(-1)![0]).toBe(Math.floor(START_MS / length) * length)
    },
  )

  it('reaches back years with days=max', async () => {
    const { json } = await startSimulator()
    const rows = await json<number[][]>(ohlc('days=max'))

    expect(rows.length).toBeGreaterThan(500)
    expect(rows[0]![0]).toBeLessThan(Date.UTC(2018, 1, 1))
  })

  it('prices in the asked currency, moving with the coin', async () => {
    const { json } = await startSimulator()
    const usd = await json<number[][]>(ohlc('days=7', 'ethereum'))
    const eur = await json<number[][]>('/api/v3/coins/ethereum/ohlc?vs_currency=eur&days=7')

    for (const [i, row] of eur.entries()) expect(row[1]! / usd[i]![1]!).toBeCloseTo(0.86, 5)
    expect(new Set(usd.map((row) => row[4])).size).toBeGreaterThan(30)
  })

  it('answers CoinGecko’s 404 for an unknown coin and 400 for bad parameters', async () => {
    const { get } = await startSimulator()
    const missing = await get(ohlc('days=1', 'no-such-coin'))
    const badDays = await get(ohlc('days=3'))

    expect(missing.statusCode).toBe(404)
    expect(missing.json()).toEqual({ error: 'coin not found' })
    expect(badDays.statusCode).toBe(400)
    expect(badDays.json()).toEqual({ error: expect.stringMatching(/days/) })
    expect((await get('/api/v3/coins/bitcoin/ohlc?days=1')).json()).toEqual({
      error: 'Missing parameter vs_currency',
    })
    expect((await get('/api/v3/coins/bitcoin/ohlc?vs_currency=usd')).statusCode).toBe(400)
  })

  it('counts as /coins/{id}/ohlc and spends the CoinGecko quota', async () => {
    const { get, json } = await startSimulator({ quotaPerWindow: 1 })
    expect((await get(ohlc('days=1'))).statusCode).toBe(200)
    expect((await get(ohlc('days=1', 'solana'))).statusCode).toBe(429)

    expect(await json('/__sim/stats')).toMatchObject({
      byEndpoint: { '/coins/{id}/ohlc': 2, '/coins/{id}': 0 },
      byCoin: { bitcoin: 1, solana: 1 },
      byProvider: { coingecko: 2 },
    })
  })
})
