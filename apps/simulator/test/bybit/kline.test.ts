import { describe, expect, it } from 'vitest'
import { START_MS, startSimulator } from '../simulator-fixture'
import { expectOnlyStrings, expectParamsError, result } from './bybit-fixture'

interface Klines {
  category: string
  symbol: string
  list: string[][]
}

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS
const kline = (query: string) => `/v5/market/kline?category=spot&symbol=BTCUSDT&${query}`
const starts = (klines: Klines) => klines.list.map((row) => Number(row[0]))

describe('GET /v5/market/kline', () => {
  it('lists 200 aligned candles newest first, as 7 strings each', async () => {
    const { get } = await startSimulator()
    const klines = result<Klines>(await get(kline('interval=60')))

    expect(klines).toMatchObject({ category: 'spot', symbol: 'BTCUSDT' })
    expectOnlyStrings(klines)
    expect(klines.list).toHaveLength(200)
    const times = starts(klines)
    expect(times[0]).toBe(Math.floor(START_MS / HOUR_MS) * HOUR_MS)
    times.forEach((time, i) => {
      expect(time % HOUR_MS).toBe(0)
      if (i > 0) expect(times[i - 1]! - time).toBe(HOUR_MS)
    })
    for (const row of klines.list) {
      expect(row).toHaveLength(7)
      const [open, high, low, close, volume, turnover] = row.slice(1).map(Number) as number[]
      expect(high).toBeGreaterThanOrEqual(Math.max(open!, close!))
      expect(low).toBeLessThanOrEqual(Math.min(open!, close!))
      expect(volume).toBeGreaterThan(0)
      expect(turnover! / volume!).toBeGreaterThanOrEqual(low! * 0.999)
      expect(turnover! / volume!).toBeLessThanOrEqual(high! * 1.001)
    }
  })

  it('closes the open candle at the spot ticker’s last price', async () => {
    const { get } = await startSimulator()
    const [newest] = result<Klines>(await get(kline('interval=1&limit=1'))).list
    const [ticker] = result<{ list: Array<{ lastPrice: string }> }>(
      await get('/v5/market/tickers?category=spot&symbol=BTCUSDT'),
    ).list

    expect(newest?.[4]).toBe(ticker?.lastPrice)
  })

  it('honours limit, end and start', async () => {
    const { get } = await startSimulator()
    const end = START_MS - 5 * DAY_MS + 17 * 60_000
    const start = end - 10 * HOUR_MS
    const limited = result<Klines>(await get(kline('interval=15&limit=5')))
    const ended = result<Klines>(await get(kline(`interval=60&end=${end}&limit=3`)))
    const window = result<Klines>(await get(kline(`interval=60&start=${start}&end=${end}`)))

    expect(limited.list).toHaveLength(5)
    expect(starts(ended)).toEqual(
      [0, 1, 2].map((k) => Math.floor(end / HOUR_MS) * HOUR_MS - k * HOUR_MS),
    )
    expect(window.list).toHaveLength(11)
    expect(starts(window).at(-1)).toBe(Math.floor(start / HOUR_MS) * HOUR_MS)
    expect(result<Klines>(await get(kline(`interval=60&start=${end}&end=${start}`))).list).toEqual(
      [],
    )
  })

  it('aligns days to midnight, weeks to Monday and months to the 1st (UTC)', async () => {
    const { get } = await startSimulator()
    const days = starts(result<Klines>(await get(kline('interval=D&limit=3'))))
    const weeks = starts(result<Klines>(await get(kline('interval=W&limit=3'))))
    const months = starts(result<Klines>(await get(kline('interval=M&limit=3'))))

    expect(days).toEqual([0, 1, 2].map((k) => Date.UTC(2025, 0, 15 - k)))
    expect(weeks).toEqual([Date.UTC(2025, 0, 13), Date.UTC(2025, 0, 6), Date.UTC(2024, 11, 30)])
    expect(months).toEqual([Date.UTC(2025, 0, 1), Date.UTC(2024, 11, 1), Date.UTC(2024, 10, 1)])
  })

  it('follows the same path as CoinGecko’s OHLC', async () => {
    const { get, json } = await startSimulator()
    const bybit = result<Klines>(await get(kline('interval=30&limit=10'))).list
    const coingecko = await json<number[][]>('/api/v3/coins/bitcoin/ohlc?vs_currency=usd&days=1')

    // CoinGecko stamps the close; Bybit the start. Compare the last completed candles.
    for (const candle of coingecko.slice(-5)) {
      const row = bybit.find((r) => Number(r[0]) === candle[0]! - 30 * 60_000)
      expect(row, String(candle[0])).toBeDefined()
      for (const [i, price] of candle.slice(1).entries()) {
        expect(Number(row?.[i + 1])).toBeCloseTo(price, 1)
      }
    }
  })

  it('serves linear perpetuals on the same path', async () => {
    const { get } = await startSimulator()
    const spot = result<Klines>(await get(kline('interval=5&limit=3')))
    const linear = result<Klines>(
      await get('/v5/market/kline?category=linear&symbol=BTCUSDT&interval=5&limit=3'),
    )

    expect(linear.category).toBe('linear')
    expect(linear.list).toEqual(spot.list)
  })

  it.each([
    [
      'options, which have no klines',
      '/v5/market/kline?category=option&symbol=BTCUSDT&interval=60',
    ],
    ['an unknown interval', kline('interval=2')],
    ['no interval', kline('limit=5')],
    ['an unknown symbol', '/v5/market/kline?category=spot&symbol=FOOUSDT&interval=60'],
    ['limit 0', kline('interval=60&limit=0')],
    ['limit 1001', kline('interval=60&limit=1001')],
    ['a non-numeric start', kline('interval=60&start=yesterday')],
  ])('answers retCode 10001 for %s', async (_case, url) => {
    const { get } = await startSimulator()
    expectParamsError(await get(url))
  })
})
