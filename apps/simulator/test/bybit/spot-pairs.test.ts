import { describe, expect, it } from 'vitest'
import { SPOT_PAIR_COUNT } from '../../src/bybit/spot-pairs'
import { startSimulator } from '../simulator-fixture'
import { result } from './bybit-fixture'

interface Row {
  symbol: string
  lastPrice: string
  bid1Price: string
  ask1Price: string
}
interface Instrument {
  symbol: string
  baseCoin: string
  priceFilter: { tickSize: string }
  lotSizeFilter: Record<string, string>
}
interface Market {
  id: string
  symbol: string
  current_price: number
}

describe('Bybit spot pairs', () => {
  it('lists a USDT pair for each of the top coins but USDT, generated coins included', async () => {
    const { get, json } = await startSimulator()
    const { list } = result<{ list: Instrument[] }>(
      await get('/v5/market/instruments-info?category=spot'),
    )
    const top = await json<Market[]>('/api/v3/coins/markets?vs_currency=usd&per_page=100')

    expect(SPOT_PAIR_COUNT).toBeGreaterThanOrEqual(60)
    expect(list).toHaveLength(SPOT_PAIR_COUNT)
    const symbols = list.map((row) => row.symbol)
    expect(new Set(symbols).size).toBe(symbols.length)
    expect(symbols.slice(0, 3)).toEqual(['BTCUSDT', 'ETHUSDT', 'XRPUSDT'])
    expect(symbols).toEqual(expect.arrayContaining(['SHIBUSDT', 'USDCUSDT', 'SC001USDT']))
    expect(symbols).not.toContain('USDTUSDT')
    // Pairs follow the universe's listing order, which is the market-cap order up to path moves.
    const ranked = top.map((coin) => `${coin.symbol.toUpperCase()}USDT`)
    const listed = ranked.filter((symbol) => symbols.includes(symbol))
    expect(listed.length).toBeGreaterThanOrEqual(55)
    for (const row of list) {
      expect(row.symbol).toBe(`${row.baseCoin}USDT`)
      // Bybit never prints exponents, not even for a sub-cent coin's tick.
      for (const text of [row.priceFilter.tickSize, ...Object.values(row.lotSizeFilter)]) {
        expect(text, row.symbol).toMatch(/^\d+(\.\d+)?$/)
      }
    }
  })

  it('prices every pair at its coin’s price, with a ticker and klines that agree', async () => {
    const { get, json } = await startSimulator()
    const { list: instruments } = result<{ list: Instrument[] }>(
      await get('/v5/market/instruments-info?category=spot'),
    )
    const { list: tickers } = result<{ list: Row[] }>(await get('/v5/market/tickers?category=spot'))
    const coins = await json<Market[]>('/api/v3/coins/markets?vs_currency=usd&per_page=100')
    const usd = new Map(coins.map((coin) => [`${coin.symbol.toUpperCase()}USDT`, coin]))

    expect(tickers.map((row) => row.symbol)).toEqual(instruments.map((row) => row.symbol))
    for (const ticker of tickers) {
      const tick = Number(instruments.find((i) => i.symbol === ticker.symbol)?.priceFilter.tickSize)
      const price = usd.get(ticker.symbol)?.current_price
      expect(price, ticker.symbol).toBeDefined()
      // Five significant digits (or a cent): the ticker is the coin's price to the tick.
      expect(Math.abs(Number(ticker.lastPrice) - (price as number))).toBeLessThanOrEqual(tick)
      expect(tick / Number(ticker.lastPrice)).toBeLessThan(0.001)
      expect(Number(ticker.bid1Price)).toBeLessThan(Number(ticker.ask1Price))

      const { list: klines } = result<{ list: string[][] }>(
        await get(`/v5/market/kline?category=spot&symbol=${ticker.symbol}&interval=D&limit=30`),
      )
      expect(klines).toHaveLength(30)
      expect(klines[0]?.[4]).toBe(ticker.lastPrice)
      for (const [, open, high, low, close] of klines) {
        expect(Number(high)).toBeGreaterThanOrEqual(Math.max(Number(open), Number(close)))
        expect(Number(low)).toBeLessThanOrEqual(Math.min(Number(open), Number(close)))
        expect(Number(low)).toBeGreaterThan(0)
      }
    }
  })
})
