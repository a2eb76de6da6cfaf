import { describe, expect, it } from 'vitest'
import { startSimulator } from '../simulator-fixture'
import { expectOnlyStrings, expectParamsError, result } from './bybit-fixture'

type Row = Record<string, string> & { symbol: string }
interface Tickers {
  category: string
  list: Row[]
}

const OPTION_FIELDS = [
  'symbol',
  'bid1Price',
  'bid1Size',
  'bid1Iv',
  'ask1Price',
  'ask1Size',
  'ask1Iv',
  'lastPrice',
  'highPrice24h',
  'lowPrice24h',
  'markPrice',
  'indexPrice',
  'markIv',
  'underlyingPrice',
  'openInterest',
  'turnover24h',
  'volume24h',
  'totalVolume',
  'totalTurnover',
  'delta',
  'gamma',
  'vega',
  'theta',
  'predictedDeliveryPrice',
  'change24h',
]
const SPOT_FIELDS = [
  'symbol',
  'bid1Price',
  'bid1Size',
  'ask1Price',
  'ask1Size',
  'lastPrice',
  'prevPrice24h',
  'price24hPcnt',
  'highPrice24h',
  'lowPrice24h',
  'turnover24h',
  'volume24h',
  'usdIndexPrice',
]
const OPTION_TICKERS = '/v5/market/tickers?category=option'

const num = (row: Row | undefined, field: string) => Number(row?.[field])
/** `BTC-27DEC24-60000-C-USDT` → `BTC-27DEC24-60000` */
const series = (symbol: string) => symbol.replace(/-[CP](-USDT)?$/, '')

describe('GET /v5/market/tickers?category=option', () => {
  it('quotes a base coin’s chain with every field, as numeric strings', async () => {
    const { get } = await startSimulator()
    const tickers = result<Tickers>(await get(`${OPTION_TICKERS}&baseCoin=BTC`))

    expect(tickers.category).toBe('option')
    expect(tickers.list.length).toBeGreaterThan(300)
    expectOnlyStrings(tickers)
    for (const row of tickers.list) {
      expect(Object.keys(row).sort()).toEqual([...OPTION_FIELDS].sort())
      for (const field of OPTION_FIELDS.slice(1)) {
        expect(Number.isFinite(Number(row[field])), `${row.symbol}.${field}=${row[field]}`).toBe(
          true,
        )
      }
      expect(num(row, 'ask1Price')).toBeGreaterThan(num(row, 'bid1Price'))
      expect(num(row, 'markIv')).toBeGreaterThan(0.2)
      expect(num(row, 'markIv')).toBeLessThan(2)
      expect(num(row, 'openInterest')).toBeGreaterThan(0)
    }
  })

  it('shows "0" bid, size and IV where nobody bids', async () => {
    const { get } = await startSimulator()
    const { list } = result<Tickers>(await get(`${OPTION_TICKERS}&baseCoin=BTC`))
    const noBid = list.filter((row) => row.bid1Price === '0')

    expect(noBid.length).toBeGreaterThan(5)
    expect(noBid.length).toBeLessThan(list.length / 2)
    for (const row of noBid) {
      expect(row).toMatchObject({ bid1Size: '0', bid1Iv: '0' })
      expect(Math.abs(num(row, 'delta')) < 0.01 || num(row, 'markPrice') < 10, row.symbol).toBe(
        true,
      )
    }
  })

  it('agrees with the spot ticker and CoinGecko on the index price', async () => {
    const { get, json } = await startSimulator()
    const options = result<Tickers>(await get(`${OPTION_TICKERS}&baseCoin=BTC`)).list
    const [spot] = result<Tickers>(
      await get('/v5/market/tickers?category=spot&symbol=BTCUSDT'),
    ).list
    const coin = await json<{ market_data: { current_price: { usd: number } } }>(
      '/api/v3/coins/bitcoin',
    )

    for (const row of options) {
      expect(row.indexPrice).toBe(spot?.lastPrice)
      expect(row.underlyingPrice).toBe(spot?.usdIndexPrice)
    }
    expect(num(spot, 'lastPrice')).toBeCloseTo(coin.market_data.current_price.usd, 1)
  })

  it('prices with Black–Scholes: put–call parity, delta signs and a smile', async () => {
    const { get } = await startSimulator()
    const { list } = result<Tickers>(await get(`${OPTION_TICKERS}&baseCoin=ETH`))
    const bySeries = new Map<string, Row[]>()
    for (const row of list)
      bySeries.set(series(row.symbol), [...(bySeries.get(series(row.symbol)) ?? []), row])

    for (const [name, pair] of bySeries) {
      const call = pair.find((row) => /-C(-USDT)?$/.test(row.symbol))
      const put = pair.find((row) => /-P(-USDT)?$/.test(row.symbol))
      const strike = Number(name.split('-')[2])
      // No rates on Bybit: C − P = F − K, to the mark's rounding.
      expect(num(call, 'markPrice') - num(put, 'markPrice')).toBeCloseTo(
        num(call, 'underlyingPrice') - strike,
        1,
      )
      expect(num(call, 'delta')).toBeGreaterThanOrEqual(0)
      expect(num(call, 'delta')).toBeLessThanOrEqual(1)
      expect(num(put, 'delta')).toBeLessThanOrEqual(0)
      expect(num(put, 'delta')).toBeGreaterThanOrEqual(-1)
      expect(num(call, 'delta') - num(put, 'delta')).toBeCloseTo(1, 6)
      expect(num(call, 'gamma')).toBe(num(put, 'gamma'))
    }
    // The smile: the nearest-to-the-money strike of an expiry has the lowest IV, the wings more.
    const expiry = series(list[list.length - 1]?.symbol ?? '').split('-')[1]
    const chain = list.filter((row) => row.symbol.includes(`-${expiry}-`) && /-C$/.test(row.symbol))
    const ivs = chain.map((row) => num(row, 'markIv'))
    const spot = num(chain[0], 'underlyingPrice')
    const atm = chain.reduce((best, row) =>
      Math.abs(Number(row.symbol.split('-')[2]) - spot) <
      Math.abs(Number(best.symbol.split('-')[2]) - spot)
        ? row
        : best,
    )
    expect(ivs[0]).toBeGreaterThan(num(atm, 'markIv'))
    expect(ivs[ivs.length - 1]).toBeGreaterThan(num(atm, 'markIv'))
  })

  it('filters one expiry with expDate, zero-padded or not', async () => {
    const { get } = await startSimulator()
    const { list } = result<Tickers>(await get(`${OPTION_TICKERS}&baseCoin=BTC`))
    const dates = [...new Set(list.map((row) => row.symbol.split('-')[1] ?? ''))]
    expect(dates.length).toBeGreaterThanOrEqual(8)

    for (const date of dates) {
      const one = result<Tickers>(await get(`${OPTION_TICKERS}&baseCoin=BTC&expDate=${date}`)).list
      expect(one.length).toBeGreaterThan(20)
      for (const row of one) expect(row.symbol.split('-')[1]).toBe(date)
    }
    const singleDigit = dates.find((date) => /^\d[A-Z]/.test(date))
    if (singleDigit) {
      const padded = result<Tickers>(
        await get(`${OPTION_TICKERS}&baseCoin=BTC&expDate=0${singleDigit}`),
      )
      expect(padded.list.length).toBeGreaterThan(0)
    }
    // A well-formed date without an expiry is simply empty.
    expect(
      result<Tickers>(await get(`${OPTION_TICKERS}&baseCoin=BTC&expDate=2JAN30`)).list,
    ).toEqual([])
    expectParamsError(await get(`${OPTION_TICKERS}&baseCoin=BTC&expDate=2025-01-17`))
  })

  it('quotes one contract by symbol, in either form', async () => {
    const { get } = await startSimulator()
    const { list } = result<Tickers>(await get(`${OPTION_TICKERS}&baseCoin=BTC`))
    const usdt = list.find((row) => row.symbol.endsWith('-USDT'))
    const usdc = list.find((row) => !row.symbol.endsWith('-USDT'))

    for (const row of [usdt, usdc]) {
      const one = result<Tickers>(await get(`${OPTION_TICKERS}&symbol=${row?.symbol}`))
      expect(one.list).toEqual([row])
    }
  })

  it.each([
    ['an unknown symbol', `${OPTION_TICKERS}&symbol=BTC-1JAN20-1000-C`],
    ['an unknown base coin', `${OPTION_TICKERS}&baseCoin=XRP`],
    ['neither symbol nor base coin', OPTION_TICKERS],
    ['a bad category', '/v5/market/tickers?category=swap&symbol=BTCUSDT'],
  ])('answers retCode 10001 for %s', async (_case, url) => {
    const { get } = await startSimulator()
    expectParamsError(await get(url))
  })

  it('answers identical bodies for the same seed and clock', async () => {
    const a = await startSimulator({ seed: 9 })
    const b = await startSimulator({ seed: 9 })
    const url = `${OPTION_TICKERS}&baseCoin=SOL`

    expect((await b.get(url)).body).toBe((await a.get(url)).body)
  })
})

describe('GET /v5/market/tickers?category=spot', () => {
  it('quotes every pair, or one, with string fields', async () => {
    const { get } = await startSimulator()
    const all = result<Tickers>(await get('/v5/market/tickers?category=spot'))
    const one = result<Tickers>(await get('/v5/market/tickers?category=spot&symbol=SOLUSDT'))

    expectOnlyStrings(all)
    expect(all.list.map((row) => row.symbol)).toEqual(
      expect.arrayContaining(['BTCUSDT', 'ETHUSDT', 'SOLUSDT']),
    )
    for (const row of all.list) {
      expect(Object.keys(row).sort()).toEqual([...SPOT_FIELDS].sort())
      expect(num(row, 'bid1Price')).toBeLessThan(num(row, 'ask1Price'))
      expect(num(row, 'highPrice24h')).toBeGreaterThanOrEqual(num(row, 'lastPrice'))
      expect(num(row, 'lowPrice24h')).toBeLessThanOrEqual(num(row, 'lastPrice'))
      expect(num(row, 'price24hPcnt')).toBeCloseTo(
        num(row, 'lastPrice') / num(row, 'prevPrice24h') - 1,
        3,
      )
    }
    expect(one.list).toEqual([all.list.find((row) => row.symbol === 'SOLUSDT')])
    expectParamsError(await get('/v5/market/tickers?category=spot&symbol=FOOUSDT'))
  })

  it('moves with the tick', async () => {
    const { get, clock } = await startSimulator()
    const url = '/v5/market/tickers?category=spot&symbol=BTCUSDT'
    const before = result<Tickers>(await get(url)).list[0]?.lastPrice
    clock.advance(10_000)

    expect(result<Tickers>(await get(url)).list[0]?.lastPrice).not.toBe(before)
  })
})
