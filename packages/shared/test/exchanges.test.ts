import { describe, expect, it } from 'vitest'
import { ohlcv } from '../src/datasets/ohlcv'
import { quote } from '../src/datasets/quote'
import { spot } from '../src/datasets/spot'
import { InvalidParamError } from '../src/errors'
import { exchangesFor, parseExchange, parseSymbol } from '../src/exchanges'
import { Interval, intervalsFor, parseInterval } from '../src/intervals'

describe('exchanges and symbols', () => {
  it('canonicalises symbols per exchange', () => {
    expect(parseSymbol('bybit', 'spot', 'btcusdt')).toBe('BTCUSDT')
    expect(parseSymbol('ibkr', 'spot', 'brk.b')).toBe('BRK.B')
    expect(parseSymbol('coingecko', 'candles', 'Bitcoin')).toBe('bitcoin')
  })

  it('names the accepted form when a symbol does not fit the exchange', () => {
    expect(() => parseSymbol('bybit', 'spot', 'BTC-USDT')).toThrow(
      /not a Bybit spot pair such as BTCUSDT/,
    )
    expect(() => parseSymbol('ibkr', 'underlying', '1ABC')).toThrow(/US stock ticker such as AAPL/)
    expect(() => parseSymbol('bybit', 'spot', 'BTC:USDT')).toThrow(InvalidParamError)
  })

  it("refuses other APIs' route words as tickers, so none is ever cached as not found", () => {
    for (const role of ['spot', 'underlying', 'candles'] as const) {
      expect(() => parseSymbol('ibkr', role, 'latest')).toThrow(
        /"latest" is not a US stock ticker such as AAPL but a word of other APIs' routes/,
      )
    }
    expect(() => spot.parseParams({ exchange: 'ibkr', symbol: 'Latest' })).toThrow(
      'GET /v1/spot/ibkr?symbols=a,b',
    )
    // Five letters and fewer are real tickers' room: LATE is not reserved.
    expect(parseSymbol('ibkr', 'spot', 'late')).toBe('LATE')
  })

  it('takes IBKR contract ids as decimal numbers, without leading zeros', () => {
    expect(exchangesFor('contract')).toEqual(['ibkr'])
    expect(quote.parseParams({ exchange: 'IBKR', conid: '0265598' })).toEqual({
      exchange: 'ibkr',
      conid: '265598',
    })
    for (const conid of ['AAPL', '0', '1.5', '-1', '1234567890123', '']) {
      expect(() => quote.parseParams({ exchange: 'ibkr', conid })).toThrow(InvalidParamError)
    }
    expect(() => quote.parseParams({ exchange: 'bybit', conid: '1' })).toThrow(
      'exchange must be one of ibkr',
    )
  })

  it('lists the exchanges that serve a role', () => {
    expect(exchangesFor('spot')).toEqual(['bybit', 'ibkr'])
    expect(exchangesFor('candles')).toEqual(['bybit', 'ibkr', 'coingecko'])
    expect(() => parseExchange('binance', 'spot')).toThrow('exchange must be one of bybit, ibkr')
    expect(parseExchange('Bybit', 'spot')).toBe('bybit')
  })

  it('validates spot params through the dataset', () => {
    expect(spot.parseParams({ exchange: 'ibkr', symbol: 'aapl' })).toEqual({
      exchange: 'ibkr',
      symbol: 'AAPL',
    })
    expect(() => spot.parseParams({ exchange: 'coingecko', symbol: 'bitcoin' })).toThrow(
      /exchange must be one of/,
    )
  })
})

describe('intervals', () => {
  it('accepts the names clients use, per exchange', () => {
    expect(intervalsFor('bybit')).toEqual(Object.keys(Interval))
    expect(parseInterval('coingecko', '4h')).toBe('4h')
    expect(() => parseInterval('coingecko', '1m')).toThrow(
      'interval must be one of 30m, 4h on coingecko',
    )
  })

  it('keys candles by interval, defaulting to 1h, and caps freshness at one interval', () => {
    const params = ohlcv.parseParams({ exchange: 'bybit', symbol: 'btcusdt' })
    expect(params).toEqual({ exchange: 'bybit', symbol: 'BTCUSDT', interval: '1h' })
    // CoinGecko has no hourly OHLC: its default is the widest interval it serves.
    expect(ohlcv.parseParams({ exchange: 'coingecko', symbol: 'bitcoin' }).interval).toBe('4h')
    const policy = { freshMs: 3_600_000, staleMs: 1, errorMs: 2, negativeMs: 3 }
    expect(ohlcv.freshnessFor?.({ ...params, interval: '1m' }, policy).freshMs).toBe(60_000)
    expect(ohlcv.freshnessFor?.({ ...params, interval: '1d' }, policy).freshMs).toBe(3_600_000)
  })

  it('serves IBKR stocks hourly and daily, from the ibkr queue, with no catalog', () => {
    expect(intervalsFor('ibkr')).toEqual(['1h', '1d'])
    const daily = ohlcv.parseParams({ exchange: 'IBKR', symbol: 'aapl', interval: '1d' })
    expect(daily).toEqual({ exchange: 'ibkr', symbol: 'AAPL', interval: '1d' })
    expect(ohlcv.parseParams({ exchange: 'ibkr', symbol: 'BRK.B' }).interval).toBe('1h')
    expect(ohlcv.fill(daily)).toEqual({
      queue: 'ibkr',
      name: 'ibkr.history',
      data: { symbol: 'AAPL', interval: '1d' },
    })
    expect(ohlcv.listedIn?.(daily)).toBeNull()
    expect(() => ohlcv.parseParams({ exchange: 'ibkr', symbol: 'AAPL', interval: '4h' })).toThrow(
      'interval must be one of 1h, 1d on ibkr',
    )
    expect(() => ohlcv.parseParams({ exchange: 'ibkr', symbol: 'BTCUSDT1' })).not.toThrow()
    expect(() => ohlcv.parseParams({ exchange: 'ibkr', symbol: '1ABC' })).toThrow(
      /US stock ticker such as AAPL/,
    )
  })
})
