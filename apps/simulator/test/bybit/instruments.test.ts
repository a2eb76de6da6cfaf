import { describe, expect, it } from 'vitest'
import { START_MS, startSimulator } from '../simulator-fixture'
import {
  expectOnlyStrings,
  expectParamsError,
  INSTRUMENT_TYPED_FIELDS,
  result,
} from './bybit-fixture'

interface OptionInstrument {
  symbolId: number
  symbol: string
  status: string
  baseCoin: string
  quoteCoin: string
  settleCoin: string
  optionsType: string
  launchTime: string
  deliveryTime: string
  deliveryFeeRate: string
  priceFilter: { minPrice: string; maxPrice: string; tickSize: string }
  lotSizeFilter: { maxOrderQty: string; minOrderQty: string; qtyStep: string }
  displayName: string
}
interface Page {
  category: string
  nextPageCursor: string
  list: OptionInstrument[]
}

const OPTIONS = '/v5/market/instruments-info?category=option'
/** `OptionInstrumentInfoV5` of the `bybit-api` SDK (4.7): every field is required. */
const OPTION_FIELDS = [
  'symbolId',
  'symbol',
  'optionsType',
  'status',
  'baseCoin',
  'quoteCoin',
  'settleCoin',
  'symbolType',
  'launchTime',
  'deliveryTime',
  'deliveryFeeRate',
  'priceFilter',
  'lotSizeFilter',
  'displayName',
]
const USDC_FORM = /^BTC-(\d{1,2})([A-Z]{3})(\d{2})-(\d+)-([CP])$/
const USDT_FORM = /^BTC-(\d{1,2})([A-Z]{3})(\d{2})-(\d+)-([CP])-USDT$/
const MONTHS = 'JANFEBMARAPRMAYJUNJULAUGSEPOCTNOVDEC'

describe('GET /v5/market/instruments-info?category=option', () => {
  it('lists BTC options in both symbol forms, every value a string', async () => {
    const { get } = await startSimulator()
    const page = result<Page>(await get(`${OPTIONS}&baseCoin=BTC&limit=1000`))

    expect(page.category).toBe('option')
    expect(page.nextPageCursor).toBe('')
    expectOnlyStrings(page, 'result', INSTRUMENT_TYPED_FIELDS)
    const usdc = page.list.filter((row) => USDC_FORM.test(row.symbol))
    const usdt = page.list.filter((row) => USDT_FORM.test(row.symbol))
    expect(usdc.length).toBeGreaterThan(50)
    expect(usdt.length).toBeGreaterThan(50)
    expect(usdc.length + usdt.length).toBe(page.list.length)
    for (const row of usdc) expect(row).toMatchObject({ settleCoin: 'USDC', quoteCoin: 'USD' })
    for (const row of usdt) expect(row).toMatchObject({ settleCoin: 'USDT', quoteCoin: 'USDT' })
  })

  it('has every field the bybit-api SDK declares, with a stable numeric symbolId', async () => {
    const { get } = await startSimulator()
    const { list } = result<Page>(await get(`${OPTIONS}&baseCoin=BTC&limit=1000`))
    const again = result<Page>(
      await (await startSimulator({ seed: 99 })).get(`${OPTIONS}&limit=1000`),
    )

    for (const row of list) {
      expect(Object.keys(row).sort(), row.symbol).toEqual([...OPTION_FIELDS].sort())
      expect(Number.isSafeInteger(row.symbolId) && row.symbolId > 0).toBe(true)
      expect(row).toMatchObject({ symbolType: '' })
    }
    expect(new Set(list.map((row) => row.symbolId)).size).toBe(list.length)
    const ids = new Map(list.map((row) => [row.symbol, row.symbolId]))
    const shared = again.list.filter((row) => ids.has(row.symbol))
    expect(shared.length).toBeGreaterThan(0)
    for (const row of shared) expect(row.symbolId).toBe(ids.get(row.symbol))
  })

  it('describes each contract consistently: type, delivery at 08:00 UTC on the symbol date', async () => {
    const { get } = await startSimulator()
    const { list } = result<Page>(await get(`${OPTIONS}&baseCoin=ETH&limit=1000`))

    for (const row of list) {
      const [, day, month, year, strike, right] =
        /^ETH-(\d{1,2})([A-Z]{3})(\d{2})-(\d+)-([CP])/.exec(row.symbol) ?? []
      const delivery = new Date(Number(row.deliveryTime))
      expect(delivery.getUTCHours(), row.symbol).toBe(8)
      expect(delivery.getUTCDate()).toBe(Number(day))
      expect(MONTHS.indexOf(month ?? '?') / 3).toBe(delivery.getUTCMonth())
      expect(delivery.getUTCFullYear() % 100).toBe(Number(year))
      expect(day?.startsWith('0')).toBe(false)
      expect(Number(strike)).toBeGreaterThan(0)
      expect(row.optionsType).toBe(right === 'C' ? 'Call' : 'Put')
      expect(Number(row.launchTime)).toBeLessThan(START_MS)
      expect(Number(row.deliveryTime)).toBeGreaterThan(START_MS)
      expect(row).toMatchObject({ status: 'Trading', baseCoin: 'ETH' })
      expect(Number(row.priceFilter.tickSize)).toBeGreaterThan(0)
      expect(Number(row.lotSizeFilter.qtyStep)).toBeGreaterThan(0)
    }
  })

  it('lists a call and a put at every strike of every expiry', async () => {
    const { get } = await startSimulator()
    const { list } = result<Page>(await get(`${OPTIONS}&baseCoin=SOL&limit=1000`))
    const rights = new Map<string, string[]>()
    for (const row of list) {
      const key = row.symbol.replace(/-[CP](-USDT)?$/, '')
      rights.set(key, [...(rights.get(key) ?? []), row.optionsType])
    }

    expect(rights.size).toBeGreaterThan(200)
    for (const [key, types] of rights) expect(types.sort(), key).toEqual(['Call', 'Put'])
  })

  it('pages with an opaque cursor, returning every instrument exactly once', async () => {
    const { get } = await startSimulator()
    const all = result<Page>(await get(`${OPTIONS}&baseCoin=BTC&limit=1000`)).list
    const paged: string[] = []
    let cursor = ''
    let pages = 0
    do {
      const url = `${OPTIONS}&baseCoin=BTC&limit=37${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
      const page = result<Page>(await get(url))
      expect(page.list.length).toBeLessThanOrEqual(37)
      paged.push(...page.list.map((row) => row.symbol))
      cursor = page.nextPageCursor
      pages += 1
    } while (cursor !== '' && pages < 100)

    expect(pages).toBe(Math.ceil(all.length / 37))
    expect(new Set(paged).size).toBe(paged.length)
    expect(paged).toEqual(all.map((row) => row.symbol))
  })

  it('defaults to BTC and 500 per page, and finds one contract by symbol', async () => {
    const { get } = await startSimulator()
    const first = result<Page>(await get(OPTIONS))
    expect(first.list).toHaveLength(500)
    expect(first.nextPageCursor).not.toBe('')
    expect(first.list[0]?.baseCoin).toBe('BTC')

    const symbol = first.list[7]?.symbol ?? ''
    const one = result<Page>(await get(`${OPTIONS}&symbol=${symbol}`))
    expect(one.list.map((row) => row.symbol)).toEqual([symbol])
  })

  it.each([
    ['an unknown base coin', `${OPTIONS}&baseCoin=DOGE`],
    ['an unknown symbol', `${OPTIONS}&symbol=BTC-1JAN20-1000-C`],
    ['a bad category', '/v5/market/instruments-info?category=futures'],
    ['no category', '/v5/market/instruments-info?baseCoin=BTC'],
    ['limit 0', `${OPTIONS}&limit=0`],
    ['limit 1001', `${OPTIONS}&limit=1001`],
    ['a forged cursor', `${OPTIONS}&cursor=bm9wZQ`],
  ])('answers retCode 10001 for %s', async (_case, url) => {
    const { get } = await startSimulator()
    expectParamsError(await get(url))
  })
})

interface SpotInstrument {
  symbol: string
  baseCoin: string
  quoteCoin: string
  status: string
  lotSizeFilter: Record<string, string>
  priceFilter: { tickSize: string }
  symbolId: number
}

describe('GET /v5/market/instruments-info?category=spot', () => {
  it('lists spot pairs with string filters', async () => {
    const { get } = await startSimulator()
    const page = result<{ category: string; list: SpotInstrument[] }>(
      await get('/v5/market/instruments-info?category=spot'),
    )

    expect(page.category).toBe('spot')
    expectOnlyStrings(page, 'result', INSTRUMENT_TYPED_FIELDS)
    expect(page.list.map((row) => row.symbol)).toEqual(
      expect.arrayContaining(['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'XRPUSDT', 'DOGEUSDT']),
    )
    for (const row of page.list) {
      // `SpotInstrumentInfoV5` of the `bybit-api` SDK (4.7), its one optional field
      // (`xstockMultiplier`, for tokenised stocks) left out.
      expect(Object.keys(row).sort()).toEqual(
        [
          'symbolId',
          'symbol',
          'baseCoin',
          'quoteCoin',
          'symbolType',
          'innovation',
          'status',
          'marginTrading',
          'stTag',
          'lotSizeFilter',
          'priceFilter',
          'riskParameters',
          'forbidUplWithdrawal',
        ].sort(),
      )
      expect(Object.keys(row.lotSizeFilter).sort()).toEqual([
        'basePrecision',
        'maxLimitOrderQty',
        'maxMarketOrderQty',
        'maxOrderAmt',
        'maxOrderQty',
        'minOrderAmt',
        'minOrderQty',
        'postOnlyMaxLimitOrderSize',
        'quotePrecision',
      ])
      expect(row).toMatchObject({
        quoteCoin: 'USDT',
        status: 'Trading',
        symbolType: '',
        forbidUplWithdrawal: false,
      })
      expect(Number.isSafeInteger(row.symbolId)).toBe(true)
    }
  })

  it('filters by symbol, and rejects unknown ones', async () => {
    const { get } = await startSimulator()
    const page = result<{ list: SpotInstrument[] }>(
      await get('/v5/market/instruments-info?category=spot&symbol=ETHUSDT'),
    )

    expect(page.list).toEqual([expect.objectContaining({ symbol: 'ETHUSDT', baseCoin: 'ETH' })])
    expectParamsError(await get('/v5/market/instruments-info?category=spot&symbol=FOOUSDT'))
  })
})
