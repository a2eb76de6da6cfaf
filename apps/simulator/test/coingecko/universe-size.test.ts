import { describe, expect, it } from 'vitest'
import { SPOT_PAIR_COUNT } from '../../src/bybit/spot-pairs'
import { REAL_COINS } from '../../src/coingecko/listings'
import { buildUniverse, UNIVERSE_SIZE } from '../../src/coingecko/universe'
import { result } from '../bybit/bybit-fixture'
import { startSimulator } from '../simulator-fixture'

interface Listed {
  id: string
  symbol: string
  name: string
}
interface Row {
  id: string
  market_cap: number
  market_cap_rank: number
}

/** 27 real coins, then simcoin-0001 .. simcoin-1273: four digits past 999 generated coins. */
const COINS = 1_300
const GENERATED = COINS - REAL_COINS.length
const markets = (query: string) => `/api/v3/coins/markets?vs_currency=usd&${query}`

describe('a universe of another size (coins option)', () => {
  it('lists every coin once, sorted, generated ids padded to the width of their count', async () => {
    const { json } = await startSimulator({ coins: COINS })
    const rows = await json<Listed[]>('/api/v3/coins/list')
    const ids = rows.map((row) => row.id)

    expect(rows).toHaveLength(COINS)
    expect(new Set(ids).size).toBe(COINS)
    expect(ids).toEqual([...ids].sort())
    const generated = ids.filter((id) => id.startsWith('simcoin-'))
    expect(generated).toHaveLength(GENERATED)
    for (const id of generated) expect(id).toMatch(/^simcoin-\d{4}$/)
    expect(generated[0]).toBe('simcoin-0001')
    expect(generated.at(-1)).toBe(`simcoin-${GENERATED}`)
    expect(rows.find((row) => row.id === 'simcoin-1042')).toEqual({
      id: 'simcoin-1042',
      symbol: 'sc1042',
      name: 'SimCoin 1042',
    })
  })

  it('pages /coins/markets to the last coin, ranked by falling market cap, real coins on top', async () => {
    const { json } = await startSimulator({ coins: COINS })
    const pages: Row[][] = []
    for (let page = 1; page <= Math.ceil(COINS / 250); page++) {
      pages.push(await json<Row[]>(markets(`per_page=250&page=${page}`)))
    }
    const all = pages.flat()

    expect(pages.map((page) => page.length)).toEqual([250, 250, 250, 250, 250, 50])
    expect(await json<Row[]>(markets(`per_page=250&page=${pages.length + 1}`))).toEqual([])
    expect(new Set(all.map((row) => row.id)).size).toBe(COINS)
    expect(all.map((row) => row.market_cap_rank)).toEqual(all.map((_, index) => index + 1))
    for (let i = 1; i < all.length; i++) {
      expect(all[i - 1]!.market_cap).toBeGreaterThanOrEqual(all[i]!.market_cap)
    }
    const top = all.slice(0, REAL_COINS.length).map((row) => row.id)
    expect(top.sort()).toEqual(REAL_COINS.map((coin) => coin.id).sort())
    // Generated caps fall with their number: the last one is near the bottom.
    const last = all.find((row) => row.id === `simcoin-${GENERATED}`)
    expect(last!.market_cap_rank).toBeGreaterThan(COINS - 100)
    // The other orders page the same universe.
    const lastById = await json<Row[]>(markets('order=id_desc&per_page=3'))
    expect(lastById.map((row) => row.id)).toEqual(['usd-coin', 'uniswap', 'tron'])
    const smallest = await json<Row[]>(markets('order=market_cap_asc&per_page=1'))
    expect(smallest[0]).toEqual(all.at(-1))
  })

  it('answers /coins/{id} for a generated coin past 1000, and 404 for a 3-digit id', async () => {
    const { get, json } = await startSimulator({ coins: COINS })
    const coin = await json<{ id: string; symbol: string; market_cap_rank: number }>(
      '/api/v3/coins/simcoin-1234',
    )

    expect(coin).toMatchObject({ id: 'simcoin-1234', symbol: 'sc1234' })
    expect(coin.market_cap_rank).toBeGreaterThan(REAL_COINS.length)
    expect((await get('/api/v3/coins/simcoin-123')).statusCode).toBe(404)
    const [row] = await json<Row[]>(markets('ids=simcoin-1234'))
    expect(row?.market_cap_rank).toBe(coin.market_cap_rank)
  })

  it('gives Bybit spot pairs to the top coins of the same universe', async () => {
    const { get } = await startSimulator({ coins: COINS })
    const { list } = result<{ list: { symbol: string }[] }>(
      await get('/v5/market/instruments-info?category=spot'),
    )
    const symbols = list.map((row) => row.symbol)

    expect(symbols).toHaveLength(SPOT_PAIR_COUNT)
    expect(symbols).toContain('SC0001USDT')
    expect(symbols).not.toContain('SC001USDT')
    const { list: tickers } = result<{ list: { symbol: string }[] }>(
      await get('/v5/market/tickers?category=spot&symbol=SC0001USDT'),
    )
    expect(tickers.map((row) => row.symbol)).toEqual(['SC0001USDT'])
  })

  it('keeps the default universe: 300 coins, simcoin-001 .. simcoin-273', () => {
    const ids = buildUniverse(42).map((coin) => coin.id)

    expect(UNIVERSE_SIZE).toBe(300)
    expect(buildUniverse(42, UNIVERSE_SIZE)).toEqual(buildUniverse(42))
    expect(ids).toHaveLength(300)
    expect(ids.slice(REAL_COINS.length, REAL_COINS.length + 2)).toEqual([
      'simcoin-001',
      'simcoin-002',
    ])
    expect(ids.at(-1)).toBe('simcoin-273')
  })

  it('refuses a size out of bounds', () => {
    expect(() => buildUniverse(42, 49)).toThrow(RangeError)
    expect(() => buildUniverse(42, 20_001)).toThrow(/50 to 20000/)
  })
})
