import { describe, expect, it } from 'vitest'
import {
  hasValues,
  OPTION_FIELDS,
  parseCount,
  parseLast,
  parseNumber,
  parsePercent,
  parseSnapshotRow,
} from '../../../src/providers/ibkr/fields'

describe('snapshot field values', () => {
  it('reads field 31 with its C (close) and H (halted) prefixes', () => {
    expect(parseLast('C182.50')).toEqual({ price: 182.5, isClose: true })
    expect(parseLast('H182.50')).toEqual({ price: 182.5, isClose: false })
    expect(parseLast('182.50')).toEqual({ price: 182.5, isClose: false })
    expect(parseLast(182.5)).toEqual({ price: 182.5, isClose: false })
    expect(parseLast(undefined)).toEqual({ price: null, isClose: false })
    expect(parseLast('C')).toEqual({ price: null, isClose: true })
  })

  it('reads percentages as sent and volumes with K/M/B suffixes', () => {
    expect(parsePercent('32.5%')).toBe(32.5)
    expect(parsePercent('-0.85%')).toBe(-0.85)
    expect(parseCount('1.23K')).toBe(1230)
    expect(parseCount('2.1M')).toBe(2_100_000)
    expect(parseCount('1,200')).toBe(1200)
    expect(parseCount('87')).toBe(87)
  })

  it('turns anything unreadable into null rather than a guess', () => {
    for (const raw of ['N/A', '-', '', '  ', 'abc', '1.2.3', null, {}, Number.NaN]) {
      expect(parseNumber(raw)).toBeNull()
      expect(parseCount(raw)).toBeNull()
    }
  })

  it('maps a row: IV to a fraction, missing bid to null, -1 to null, _updated to asOf', () => {
    const row = parseSnapshotRow({
      conid: 730100001,
      conidEx: '730100001',
      _updated: 1795300000000,
      '31': 'C41.25',
      '86': '41.60',
      '88': '-1',
      '7308': '0.612',
      '7633': '32.5%',
      '7638': '15.2K',
      '87': '1.23K',
    })
    expect(row).toMatchObject({
      conid: '730100001',
      last: 41.25,
      lastIsClose: true,
      bid: null,
      ask: 41.6,
      bidSize: null,
      delta: 0.612,
      impliedVol: 0.325,
      openInterest: 15_200,
      volume: 1230,
      updated: 1795300000000,
    })
  })

  it('reads what a contract is: symbol, asset class, and an option underlying conid', () => {
    const row = parseSnapshotRow({
      conid: 730100001,
      '55': 'AAPL',
      '6070': 'OPT',
      '6457': 265598,
      '31': '4.10',
    })
    expect(row).toMatchObject({ symbol: 'AAPL', secType: 'OPT', underlyingConid: '265598' })
    const stock = parseSnapshotRow({ conid: 265598, '55': 'AAPL', '6070': 'STK', '6457': 'N/A' })
    expect(stock).toMatchObject({ secType: 'STK', underlyingConid: null })
    expect(parseSnapshotRow({ conid: 265598 })).toMatchObject({ symbol: null, secType: null })
  })

  it('tells the pre-flight answer (ids only) from one with values', () => {
    const preflight = { conid: 1, conidEx: '1', _updated: 1, server_id: 'q0', '6119': 'q0' }
    expect(hasValues(preflight, OPTION_FIELDS)).toBe(false)
    expect(hasValues({ ...preflight, '86': '1.00' }, OPTION_FIELDS)).toBe(true)
  })
})
