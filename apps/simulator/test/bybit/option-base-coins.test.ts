import { describe, expect, it } from 'vitest'
import { START_MS, startSimulator } from '../simulator-fixture'
import { envelope, expectParamsError, result } from './bybit-fixture'

interface Row {
  baseCoin: string
  quoteCoin: string
  settleCoin: string
  optionShowName: string
  optionOnlineTime: number
  hasSymbol: number
  underlyingType: number
}

const URL = '/v5/market/option-base-coins'
const FIELDS = [
  'baseCoin',
  'hasSymbol',
  'optionOnlineTime',
  'optionShowName',
  'quoteCoin',
  'settleCoin',
  'underlyingType',
]

const coins = (rows: Row[]) => rows.map((row) => row.baseCoin)

describe('Bybit option base coins', () => {
  it('lists every base coin with a chain as tradable, and announced ones as not', async () => {
    const { get } = await startSimulator()
    const { list } = result<{ list: Row[] }>(await get(URL))

    for (const row of list) {
      expect(Object.keys(row).sort(), row.baseCoin).toEqual(FIELDS)
      expect(row.optionShowName).toBe(`${row.baseCoin}-Options`)
      // Unlike most V5 answers, these numbers are JSON numbers.
      for (const field of ['hasSymbol', 'optionOnlineTime', 'underlyingType'] as const) {
        expect(typeof row[field], `${row.baseCoin}.${field}`).toBe('number')
      }
    }
    const tradable = list.filter((row) => row.hasSymbol === 1)
    expect(coins(tradable)).toEqual(['BTC', 'ETH', 'SOL'])
    for (const row of tradable) expect(row.optionOnlineTime).toBeLessThanOrEqual(START_MS)
    const announced = list.filter((row) => row.hasSymbol === 0)
    expect(coins(announced)).toEqual(['XRP', 'XAUT'])
    // Not trading: no date yet, or one still ahead.
    for (const row of announced) {
      expect(row.optionOnlineTime === 0 || row.optionOnlineTime > START_MS, row.baseCoin).toBe(true)
    }
  })

  it('agrees with the option tickers: a chain for every tradable coin, none for the others', async () => {
    const { get } = await startSimulator()
    const { list } = result<{ list: Row[] }>(await get(URL))
    for (const row of list) {
      const tickers = envelope<{ list?: unknown[] }>(
        await get(`/v5/market/tickers?category=option&baseCoin=${row.baseCoin}`),
      )
      if (row.hasSymbol === 1) expect(tickers.result.list?.length, row.baseCoin).toBeGreaterThan(0)
      else expect(tickers.retCode, row.baseCoin).toBe(10001)
    }
  })

  it('keeps the asked underlying types only', async () => {
    const { get } = await startSimulator()
    const listed = async (types: string) =>
      coins(result<{ list: Row[] }>(await get(`${URL}?underlyingType=${types}`)).list)

    expect(await listed('0')).toEqual(['BTC', 'ETH', 'SOL', 'XRP'])
    expect(await listed('1')).toEqual(['XAUT'])
    expect(await listed('0,1')).toEqual(['BTC', 'ETH', 'SOL', 'XRP', 'XAUT'])
    expect(await listed('2,3,4')).toEqual([])
    expect(coins(result<{ list: Row[] }>(await get(URL)).list)).toEqual(await listed('0,1'))
    for (const bad of ['5', 'x', '0,crypto']) {
      expectParamsError(await get(`${URL}?underlyingType=${bad}`))
    }
  })

  it('is counted per endpoint, rate limited, and spoiled like every Bybit endpoint', async () => {
    const { get, json, post } = await startSimulator({ bybit: { forcedRateLimit: 1 } })
    expect(envelope(await get(URL)).retCode).toBe(10006)
    await get(URL)
    const stats = await json<{ byEndpoint: Record<string, number> }>('/__sim/stats')
    expect(stats.byEndpoint[URL]).toBe(2)

    await post('/__sim/faults', { errorRate: 1 })
    expect(envelope(await get(URL)).retCode).toBe(10016)
    await post('/__sim/faults', { errorRate: 0, malformedRate: 1, malformedKind: 'shape' })
    const spoiled = result<{ list: Record<string, unknown>[] }>(await get(URL))
    expect(spoiled.list[0]).toMatchObject({ baseCoin: 'BTC', hasSymbol: 'n/a' })
  })
})
