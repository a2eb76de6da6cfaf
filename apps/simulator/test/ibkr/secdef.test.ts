import { describe, expect, it } from 'vitest'
import { startSimulator } from '../simulator-fixture'

const API = '/v1/api/iserver/secdef'
const STOCKS = [
  ['SPY', '756733'],
  ['QQQ', '320227571'],
  ['AAPL', '265598'],
  ['MSFT', '272093'],
  ['TSLA', '76792991'],
  ['GOOGL', '208813719'],
  ['AMZN', '3691937'],
  ['NVDA', '4815747'],
  ['META', '107113386'],
]

interface SearchRow {
  conid: string
  companyHeader: string
  companyName: string
  symbol: string
  description: string
  sections: Array<{ secType: string; months?: string; exchange?: string }>
}
interface InfoRow {
  conid: number
  symbol: string
  secType: string
  right: string
  strike: number
  maturityDate: string
  multiplier: string
  tradingClass: string
  desc2: string
  currency: string
  exchange: string
  validExchanges: string
}

describe('GET /v1/api/iserver/secdef/search', () => {
  it.each(STOCKS)(
    'finds %s with its conid as a string and its option months',
    async (symbol, conid) => {
      const { json } = await startSimulator()
      const [row, ...more] = await json<SearchRow[]>(`${API}/search?symbol=${symbol}&secType=STK`)

      expect(more).toEqual([])
      expect(row).toMatchObject({
        conid,
        symbol,
        companyHeader: `${row?.companyName} - ${row?.description}`,
      })
      const opt = row?.sections.find((section) => section.secType === 'OPT')
      expect(row?.sections[0]).toEqual({ secType: 'STK' })
      // 2025-01-15: weeklies to 7 Feb, monthlies to 21 Mar.
      expect(opt?.months).toBe('JAN25;FEB25;MAR25')
      expect(opt?.exchange?.split(';')).toEqual(expect.arrayContaining(['SMART', 'CBOE']))
    },
  )

  it('accepts a POST body and a lower-case symbol', async () => {
    const { post } = await startSimulator()
    const response = await post(`${API}/search`, { symbol: 'aapl', secType: 'STK' })

    expect(response.statusCode).toBe(200)
    expect(response.json<SearchRow[]>()[0]?.conid).toBe('265598')
  })

  it('answers {"error":"No symbol found"} for a symbol it does not know', async () => {
    const { get } = await startSimulator()
    const response = await get(`${API}/search?symbol=NOPE`)

    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ error: 'No symbol found' })
    expect((await get(`${API}/search`)).statusCode).toBe(400)
  })
})

describe('GET /v1/api/iserver/secdef/strikes', () => {
  it('lists the same ascending strikes for calls and puts around the spot', async () => {
    const { json } = await startSimulator()
    for (const month of ['JAN25', 'FEB25', 'MAR25']) {
      const strikes = await json<{ call: number[]; put: number[] }>(
        `${API}/strikes?conid=265598&sectype=OPT&month=${month}&exchange=SMART`,
      )
      expect(strikes.call).toEqual(strikes.put)
      expect(strikes.call).toEqual([...strikes.call].sort((a, b) => a - b))
      expect(strikes.call.length).toBeGreaterThan(20)
      for (const strike of strikes.call) expect(strike).toBeTypeOf('number')
      expect(strikes.call[0]).toBeLessThan(240)
      expect(strikes.call.at(-1)).toBeGreaterThan(280)
    }
  })

  it.each([
    ['no conid', 'sectype=OPT&month=JAN25'],
    ['an unknown conid', 'conid=1&sectype=OPT&month=JAN25'],
    ['a month without options', 'conid=265598&sectype=OPT&month=JAN30'],
    ['a sectype other than OPT', 'conid=265598&sectype=FUT&month=JAN25'],
  ])('answers 400 for %s', async (_case, query) => {
    const { get } = await startSimulator()
    const response = await get(`${API}/strikes?${query}`)

    expect(response.statusCode).toBe(400)
    expect(response.json()).toMatchObject({ error: expect.any(String), statusCode: 400 })
  })
})

describe('GET /v1/api/iserver/secdef/info', () => {
  const info = (query: string) => `${API}/info?conid=265598&sectype=OPT&month=JAN25&${query}`

  it('returns one contract per maturity in a month with weeklies', async () => {
    const { json } = await startSimulator()
    const rows = await json<InfoRow[]>(info('strike=250&right=C'))

    expect(rows.map((row) => row.maturityDate)).toEqual(['20250117', '20250124', '20250131'])
    for (const row of rows) {
      expect(row).toMatchObject({
        symbol: 'AAPL',
        secType: 'OPT',
        exchange: 'SMART',
        right: 'C',
        strike: 250,
        currency: 'USD',
        multiplier: '100',
        tradingClass: 'AAPL',
      })
      expect(row.conid).toBeTypeOf('number')
      expect(row.validExchanges.split(',')).toContain('CBOE')
    }
    expect(rows[0]?.desc2).toBe("(AAPL) JAN 17 '25 250 Call")
    expect(new Set(rows.map((row) => row.conid)).size).toBe(3)
  })

  it('keeps option conids stable across runs and days, distinct by right', async () => {
    const a = await startSimulator()
    const b = await startSimulator()
    const calls = await a.json<InfoRow[]>(info('strike=250&right=C'))
    const puts = await a.json<InfoRow[]>(info('strike=250&right=P'))
    b.clock.advance(24 * 3_600_000)
    const tomorrow = await b.json<InfoRow[]>(info('strike=250&right=C'))

    expect(tomorrow.map((row) => row.conid)).toEqual(calls.map((row) => row.conid))
    expect(puts.every((row) => row.right === 'P')).toBe(true)
    expect(puts.map((row) => row.conid)).not.toEqual(calls.map((row) => row.conid))
    expect((await a.json<InfoRow[]>(info('strike=250'))).length).toBe(6)
  })

  it('answers [] for an unlisted strike and 400 for a bad right', async () => {
    const { get, json } = await startSimulator()

    expect(await json(info('strike=251.25&right=C'))).toEqual([])
    expect((await get(info('strike=250&right=X'))).statusCode).toBe(400)
    expect((await get(info('right=C'))).statusCode).toBe(400)
  })
})
