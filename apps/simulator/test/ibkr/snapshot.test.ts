import { describe, expect, it } from 'vitest'
import { startSimulator } from '../simulator-fixture'

const SNAPSHOT = '/v1/api/iserver/marketdata/snapshot'
const STOCK_FIELDS = '31,84,86,85,88,7295,70,71,87,6509'
const OPTION_FIELDS = '31,84,86,85,88,7295,70,71,7308,7309,7310,7311,7633,7638,87,6509'
const AAPL = 265598
/** The fixture starts at 07:00 New York, before the open; 15:00 UTC is 10:00 there. */
const UNTIL_OPEN_MS = 3 * 3_600_000

type Row = Record<string, string | number>

describe('GET /v1/api/iserver/marketdata/snapshot', () => {
  it('answers the first call for a conid with only conid and conidEx, then values', async () => {
    const { json, clock } = await startSimulator()
    clock.advance(UNTIL_OPEN_MS)
    const url = `${SNAPSHOT}?conids=${AAPL}&fields=${STOCK_FIELDS}`

    expect(await json(url)).toEqual([{ conid: AAPL, conidEx: String(AAPL) }])
    const [row] = await json<Row[]>(url)
    expect(row).toMatchObject({ conid: AAPL, conidEx: '265598', _updated: expect.any(Number) })
    expect(row?.server_id).toBeTypeOf('string')
    for (const tag of STOCK_FIELDS.split(',')) expect(row?.[tag], tag).toBeTypeOf('string')
    const last = Number(row?.['31'])
    expect(Number(row?.['84'])).toBeLessThan(last)
    expect(Number(row?.['86'])).toBeGreaterThan(last)
    expect(Number(row?.['70'])).toBeGreaterThanOrEqual(Number(row?.['71']))
    expect(row?.['87']).toMatch(/^\d+(\.\d+)?[KM]?$/)
    expect(row?.['6509']).toBe('RpB')
  })

  it('prefixes the last price with C while the market is closed, and holds it', async () => {
    const { json, clock } = await startSimulator()
    const url = `${SNAPSHOT}?conids=${AAPL}&fields=31,84,86`
    await json(url)
    const [before] = await json<Row[]>(url)
    clock.advance(3_600_000)
    const [later] = await json<Row[]>(url)
    clock.advance(2 * 3_600_000)
    const [open] = await json<Row[]>(url)

    expect(before?.['31']).toMatch(/^C\d+\.\d{2}$/)
    expect(later?.['31']).toBe(before?.['31'])
    expect(open?.['31']).toMatch(/^\d+\.\d{2}$/)
  })

  it('quotes options with greeks, IV as a percent and open interest', async () => {
    const { json, clock } = await startSimulator()
    clock.advance(UNTIL_OPEN_MS)
    const [call] = await json<Array<{ conid: number }>>(
      '/v1/api/iserver/secdef/info?conid=265598&sectype=OPT&month=FEB25&strike=250&right=C',
    )
    const url = `${SNAPSHOT}?conids=${call?.conid}&fields=${OPTION_FIELDS}`
    await json(url)
    const [row] = await json<Row[]>(url)

    for (const tag of OPTION_FIELDS.split(',')) expect(row?.[tag], tag).toBeTypeOf('string')
    expect(Number(row?.['7308'])).toBeGreaterThan(0)
    expect(Number(row?.['7308'])).toBeLessThan(1)
    expect(Number(row?.['7309'])).toBeGreaterThan(0)
    expect(Number(row?.['7310'])).toBeLessThan(0)
    expect(Number(row?.['7311'])).toBeGreaterThan(0)
    expect(row?.['7633']).toMatch(/^\d+\.\d%$/)
    expect(Number.parseFloat(String(row?.['7633']))).toBeGreaterThan(10)
    expect(row?.['7638']).toMatch(/^\d+$/)
    expect(Number(row?.['84'])).toBeLessThan(Number(row?.['86']))
  })

  it('leaves out the bid (84) for a strike nobody bids', async () => {
    const { json, clock } = await startSimulator()
    clock.advance(UNTIL_OPEN_MS)
    const { put } = await json<{ put: number[] }>(
      '/v1/api/iserver/secdef/strikes?conid=756733&sectype=OPT&month=JAN25',
    )
    const rows = await json<Array<{ conid: number }>>(
      `/v1/api/iserver/secdef/info?conid=756733&sectype=OPT&month=JAN25&strike=${put[0]}&right=P`,
    )
    const url = `${SNAPSHOT}?conids=${rows.map((row) => row.conid).join(',')}&fields=31,84,86,88`
    await json(url)
    const quotes = await json<Row[]>(url)

    expect(quotes.length).toBeGreaterThan(0)
    for (const quote of quotes) {
      expect(quote).not.toHaveProperty('84')
      expect(quote).not.toHaveProperty('88')
      expect(Number(quote['86'])).toBeGreaterThan(0)
    }
  })

  it('pre-flights each conid on its own, returns only asked fields, and forgets on reset', async () => {
    const { json, post } = await startSimulator()
    await json(`${SNAPSHOT}?conids=${AAPL}`)
    const both = await json<Row[]>(`${SNAPSHOT}?conids=${AAPL},756733&fields=31,86`)

    expect(Object.keys(both[0] ?? {}).sort()).toEqual([
      '31',
      '86',
      '_updated',
      'conid',
      'conidEx',
      'server_id',
    ])
    expect(both[1]).toEqual({ conid: 756733, conidEx: '756733' })

    await post('/__sim/reset', {})
    expect(await json(`${SNAPSHOT}?conids=${AAPL}`)).toEqual([{ conid: AAPL, conidEx: '265598' }])
  })

  it('names what each contract is: symbol (55), asset class (6070), underlying (6457)', async () => {
    const { json } = await startSimulator()
    const [call] = await json<Array<{ conid: number }>>(
      '/v1/api/iserver/secdef/info?conid=265598&sectype=OPT&month=FEB25&strike=250&right=C',
    )
    const url = `${SNAPSHOT}?conids=${AAPL},${call?.conid}&fields=31,55,6070,6457`
    await json(url)
    const [stock, option] = await json<Row[]>(url)

    expect(stock).toMatchObject({ '55': 'AAPL', '6070': 'STK' })
    expect(stock).not.toHaveProperty('6457')
    expect(option).toMatchObject({ '55': 'AAPL', '6070': 'OPT', '6457': String(AAPL) })
  })

  it('quotes every listed stock in one call, the same for the same seed and clock', async () => {
    const conids = ['265598', '208813719', '272093', '3691937', '4815747', '107113386']
    const url = `${SNAPSHOT}?conids=${[...conids, '76792991', '756733', '320227571']}&fields=31,55`
    const answers = await Promise.all(
      [1, 2].map(async () => {
        const { json } = await startSimulator({ seed: 7 })
        await json(url)
        return json<Row[]>(url)
      }),
    )

    const [first, second] = answers
    expect(first?.map((row) => row['55'])).toEqual([
      'AAPL',
      'GOOGL',
      'MSFT',
      'AMZN',
      'NVDA',
      'META',
      'TSLA',
      'SPY',
      'QQQ',
    ])
    for (const row of first ?? []) expect(Number(String(row['31']).slice(1))).toBeGreaterThan(0)
    expect(second).toEqual(first)
  })

  it('never gives values for an unknown conid, and rejects malformed ones', async () => {
    const { get, json } = await startSimulator()
    await json(`${SNAPSHOT}?conids=12345&fields=31`)

    expect(await json(`${SNAPSHOT}?conids=12345&fields=31`)).toEqual([
      { conid: 12345, conidEx: '12345' },
    ])
    expect((await get(`${SNAPSHOT}?conids=AAPL`)).statusCode).toBe(400)
    expect((await get(SNAPSHOT)).statusCode).toBe(400)
  })
})
