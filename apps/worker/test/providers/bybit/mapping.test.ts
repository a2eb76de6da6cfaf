import { describe, expect, it } from 'vitest'
import {
  decimal,
  toCandle,
  toContract,
  toQuote,
  toSpot,
} from '../../../src/providers/bybit/mapping'
import { parseOptionSymbol } from '../../../src/providers/bybit/symbols'
import { bybitEnvelope } from './fixtures'

const instrument = (symbol: string) =>
  bybitEnvelope('instruments-option-btc.json').result.list.find(
    (row) => (row as { symbol: string }).symbol === symbol,
  ) as Record<string, unknown>
const ticker = (symbol: string) =>
  bybitEnvelope('tickers-option-btc.json').result.list.find(
    (row) => (row as { symbol: string }).symbol === symbol,
  ) as Record<string, unknown>

describe('Bybit option symbols', () => {
  it('reads the USDC form, which has no settle suffix', () => {
    expect(parseOptionSymbol('BTC-27DEC24-60000-C')).toEqual({
      underlying: 'BTC',
      expiry: '2024-12-27T08:00:00.000Z',
      strike: 60_000,
      right: 'call',
      settle: 'USDC',
    })
  })

  it('reads the USDT form and single-digit days', () => {
    expect(parseOptionSymbol('BTC-13FEB25-89000-P-USDT')).toMatchObject({
      expiry: '2025-02-13T08:00:00.000Z',
      strike: 89_000,
      right: 'put',
      settle: 'USDT',
    })
    expect(parseOptionSymbol('ETH-3JAN25-3500.5-C')).toMatchObject({
      underlying: 'ETH',
      expiry: '2025-01-03T08:00:00.000Z',
      strike: 3500.5,
    })
  })

  it('refuses what is not an option symbol or names no real date', () => {
    for (const symbol of [
      'BTCUSDT',
      'BTC-31FEB25-1000-C',
      'BTC-27XYZ24-1000-C',
      'BTC-27DEC24-0-C',
    ]) {
      expect(parseOptionSymbol(symbol), symbol).toBeNull()
    }
  })
})

describe('Bybit number strings', () => {
  it('parses numbers and reads "" or a missing field as no figure', () => {
    expect(decimal('97250.42')).toBe(97_250.42)
    expect(decimal('0')).toBe(0)
    expect(decimal('-0.0123')).toBe(-0.0123)
    expect(decimal('')).toBeNull()
    expect(decimal(undefined)).toBeNull()
  })

  it('hands garbage on unchanged, so validation refuses it', () => {
    expect(decimal('n/a')).toBe('n/a')
  })
})

describe('option tickers rows', () => {
  it('maps a quoted row, IV as a fraction', () => {
    const mapped = toQuote(ticker('BTC-27DEC24-100000-C'))
    expect(mapped).toEqual({
      ok: true,
      value: {
        quote: {
          symbol: 'BTC-27DEC24-100000-C',
          bid: 2609,
          ask: 2770,
          mark: 2689.4,
          iv: 0.5255,
          delta: 0.22495537,
          gamma: 0.00002101,
          vega: 35.12345678,
          theta: -120.98765432,
          open_interest: 12.34,
          volume: 3.2,
        },
        underlyingPrice: 97_525.96,
        indexPrice: 97_250.42,
      },
    })
  })

  it('reads a "0" bid of size "0" as nobody bidding', () => {
    const mapped = toQuote(ticker('BTC-21DEC24-95000-P'))
    expect(mapped.ok && mapped.value.quote).toMatchObject({ bid: null, ask: 815, volume: 0 })
  })

  it('reads empty strings as missing figures', () => {
    const mapped = toQuote(ticker('BTC-13FEB25-89000-P-USDT'))
    expect(mapped.ok && mapped.value.quote).toMatchObject({ open_interest: null, volume: null })
  })

  it('refuses a row whose numbers are not numbers', () => {
    const mapped = toQuote({ ...ticker('BTC-27DEC24-100000-C'), delta: 'NaN%' })
    expect(mapped.ok).toBe(false)
    expect(!mapped.ok && mapped.problem).toMatch(/^BTC-27DEC24-100000-C\/delta/)
  })
})

describe('instruments-info rows', () => {
  it('takes the expiry from deliveryTime, the settle coin from the listing', () => {
    expect(toContract(instrument('BTC-13FEB25-89000-P-USDT'), 'BTC')).toEqual({
      ok: true,
      value: {
        symbol: 'BTC-13FEB25-89000-P-USDT',
        right: 'put',
        strike: 89_000,
        expiry: '2025-02-13T08:00:00.000Z',
        settle: 'USDT',
        multiplier: 1,
        tick_size: 5,
      },
    })
  })

  it('falls back to 08:00 UTC on the symbol’s date without a deliveryTime', () => {
    const row = { ...instrument('BTC-27DEC24-90000-C'), deliveryTime: '', settleCoin: '' }
    expect(toContract(row, 'BTC')).toMatchObject({
      ok: true,
      value: { expiry: '2024-12-27T08:00:00.000Z', settle: 'USDC' },
    })
  })

  it('refuses rows of another coin, or whose type contradicts the symbol', () => {
    expect(toContract(instrument('BTC-27DEC24-90000-C'), 'ETH').ok).toBe(false)
    const contradicting = { ...instrument('BTC-27DEC24-90000-C'), optionsType: 'Put' }
    expect(toContract(contradicting, 'BTC').ok).toBe(false)
  })
})

describe('spot and kline rows', () => {
  it('maps a spot ticker, the 24 h change in percent', () => {
    const row = bybitEnvelope('tickers-spot.json').result.list[0]
    const mapped = toSpot(row, Date.UTC(2024, 11, 20, 6))
    expect(mapped).toMatchObject({
      ok: true,
      value: {
        exchange: 'bybit',
        symbol: 'BTCUSDT',
        price: 97_230.5,
        bid: 97_230.49,
        change_24h_pct: 1.01,
        as_of: '2024-12-20T06:00:00.000Z',
      },
    })
  })

  it('maps a kline row and refuses a short one', () => {
    expect(toCandle(['1734652800000', '1', '2', '0.5', '1.5', '10', '15'])).toEqual({
      ok: true,
      value: { t: 1_734_652_800_000, o: 1, h: 2, l: 0.5, c: 1.5, v: 10 },
    })
    expect(toCandle(['1734652800000', '1']).ok).toBe(false)
  })
})
