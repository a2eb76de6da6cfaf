import { describe, expect, it } from 'vitest'
import { startSimulator } from '../simulator-fixture'

type Row = Record<string, unknown> & {
  id: string
  market_cap_rank: number
  market_cap: number
  total_volume: number
}

const NUMERIC = [
  'current_price',
  'market_cap',
  'market_cap_rank',
  'total_volume',
  'high_24h',
  'low_24h',
  'price_change_24h',
  'price_change_percentage_24h',
  'market_cap_change_24h',
  'market_cap_change_percentage_24h',
  'circulating_supply',
  'ath',
  'ath_change_percentage',
  'atl',
  'atl_change_percentage',
]
const NULLABLE_NUMERIC = ['fully_diluted_valuation', 'total_supply', 'max_supply']
const TEXT = ['id', 'symbol', 'name', 'image', 'ath_date', 'atl_date', 'last_updated']

const markets = (query: string) => `/api/v3/coins/markets?vs_currency=usd&${query}`

describe('GET /api/v3/coins/markets', () => {
  it('answers a bare array of rows with plain numbers', async () => {
    const { json } = await startSimulator()
    const rows = await json<Row[]>(markets('per_page=250'))

    expect(Array.isArray(rows)).toBe(true)
    for (const row of rows) {
      for (const key of NUMERIC) expect(row[key], `${row.id}.${key}`).toBeTypeOf('number')
      for (const key of NUMERIC) expect(Number.isFinite(row[key]), `${row.id}.${key}`).toBe(true)
      for (const key of TEXT) expect(row[key], `${row.id}.${key}`).toBeTypeOf('string')
      for (const key of NULLABLE_NUMERIC) {
        expect(row[key] === null || typeof row[key] === 'number', `${row.id}.${key}`).toBe(true)
      }
      expect(row.roi === null || typeof row.roi === 'object').toBe(true)
      expect(row.current_price as number).toBeGreaterThan(0)
    }
    expect(rows.some((row) => row.max_supply === null)).toBe(true)
    expect(rows.some((row) => row.fully_diluted_valuation === null)).toBe(true)
    expect(rows.find((row) => row.id === 'ethereum')?.roi).toMatchObject({ currency: 'usd' })
  })

  it('pages through at least 300 coins ranked 1..N by market cap', async () => {
    const { json } = await startSimulator()
    const pages: Row[][] = []
    for (let page = 1; page <= 3; page++)
      pages.push(await json<Row[]>(markets(`per_page=250&page=${page}`)))
    const all = pages.flat()

    expect(pages[0]).toHaveLength(250)
    expect(all.length).toBeGreaterThanOrEqual(300)
    expect(new Set(all.map((row) => row.id)).size).toBe(all.length)
    expect(all.map((row) => row.market_cap_rank)).toEqual(all.map((_, index) => index + 1))
    for (let i = 1; i < all.length; i++) {
      expect(all[i - 1]!.market_cap).toBeGreaterThanOrEqual(all[i]!.market_cap)
    }
    expect(all.slice(0, 3).map((row) => row.id)).toContain('bitcoin')
    expect(all.map((row) => row.id)).toContain('simcoin-001')
    expect(await json<Row[]>(markets('per_page=250&page=99'))).toEqual([])
  })

  it('defaults to 100 per page, clamps per_page to 250 and pages from 1', async () => {
    const { json } = await startSimulator()

    expect(await json<Row[]>(markets(''))).toHaveLength(100)
    expect(await json<Row[]>(markets('per_page=1000'))).toHaveLength(250)
    const second = await json<Row[]>(markets('per_page=10&page=2'))
    expect(second.map((row) => row.market_cap_rank)).toEqual([
      11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
    ])
  })

  it('filters by ids and leaves unknown ids out', async () => {
    const { json } = await startSimulator()
    const rows = await json<Row[]>(markets('ids=dogecoin,no-such-coin,bitcoin'))

    expect(rows.map((row) => row.id)).toEqual(['bitcoin', 'dogecoin'])
    expect(await json<Row[]>(markets('ids=no-such-coin'))).toEqual([])
  })

  it('orders by market cap, volume or id', async () => {
    const { json } = await startSimulator()
    const ids = (rows: Row[]) => rows.map((row) => row.id)
    const byVolume = await json<Row[]>(markets('order=volume_desc&per_page=50'))
    const byVolumeAsc = await json<Row[]>(markets('order=volume_asc&per_page=50'))
    const byCapAsc = await json<Row[]>(markets('order=market_cap_asc&per_page=5'))
    const byId = await json<Row[]>(markets('order=id_asc&per_page=50'))
    const byIdDesc = await json<Row[]>(markets('order=id_desc&per_page=50'))

    const volumes = byVolume.map((row) => row.total_volume)
    expect(volumes).toEqual([...volumes].sort((a, b) => b - a))
    expect(byVolumeAsc[0]!.total_volume).toBeLessThanOrEqual(byVolumeAsc[1]!.total_volume)
    expect(byCapAsc[0]!.market_cap_rank).toBeGreaterThanOrEqual(300)
    expect(ids(byId)).toEqual([...ids(byId)].sort())
    expect(ids(byIdDesc)).toEqual([...ids(byIdDesc)].sort().reverse())
    const filtered = await json<Row[]>(markets('ids=tether,bitcoin,ethereum&order=id_asc'))
    expect(ids(filtered)).toEqual(['bitcoin', 'ethereum', 'tether'])
  })

  it('prices rows in the requested currency and adds asked-for change windows', async () => {
    const { json } = await startSimulator()
    const [btc] = await json<Row[]>('/api/v3/coins/markets?vs_currency=btc&ids=bitcoin')
    const [eth] = await json<Row[]>(markets('ids=ethereum&price_change_percentage=1h,7d'))

    expect(btc?.current_price).toBe(1)
    expect(eth?.price_change_percentage_1h_in_currency).toBeTypeOf('number')
    expect(eth?.price_change_percentage_7d_in_currency).toBeTypeOf('number')
    expect(eth).not.toHaveProperty('price_change_percentage_30d_in_currency')
  })

  it('answers 400 without vs_currency, or with an unknown one or order', async () => {
    const { get } = await startSimulator()
    const missing = await get('/api/v3/coins/markets?ids=bitcoin')

    expect(missing.statusCode).toBe(400)
    expect(missing.json()).toEqual({ error: 'Missing parameter vs_currency' })
    expect((await get('/api/v3/coins/markets?vs_currency=xyz')).statusCode).toBe(400)
    expect((await get(markets('order=price_desc'))).statusCode).toBe(400)
  })
})
