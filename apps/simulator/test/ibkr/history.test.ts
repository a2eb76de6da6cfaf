import { describe, expect, it } from 'vitest'
import { START_MS, startSimulator } from '../simulator-fixture'

const HISTORY = '/v1/api/iserver/marketdata/history'
const AAPL = 265598
const HOUR_MS = 3_600_000
/** The fixture starts at 07:00 New York on Wednesday 15 January 2025, before the open. */
const UNTIL_OPEN_MS = 3 * HOUR_MS

interface Bar {
  o: number
  c: number
  h: number
  l: number
  v: number
  t: number
}
interface History {
  symbol: string
  text: string
  priceFactor: number
  startTime: string
  high: string
  low: string
  timePeriod: string
  barLength: number
  outsideRth: boolean
  volumeFactor: number
  data: Bar[]
  points: number
}

/** The top-level fields the Client Portal documents for a history answer. */
const FIELDS = [
  'serverId',
  'symbol',
  'text',
  'priceFactor',
  'startTime',
  'high',
  'low',
  'timePeriod',
  'barLength',
  'mdAvailability',
  'mktDataDelay',
  'outsideRth',
  'volumeFactor',
  'priceDisplayRule',
  'priceDisplayValue',
  'negativeCapable',
  'messageVersion',
  'data',
  'points',
  'travelTime',
]

const NEW_YORK = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'America/New_York',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
})
/** New York wall-clock `HH:MM` of an instant. */
const newYorkTime = (ms: number) => NEW_YORK.format(ms)

const url = (query: string) => `${HISTORY}?conid=${AAPL}&${query}&outsideRth=false`

function expectWellFormed(body: History) {
  expect(Object.keys(body)).toEqual(FIELDS)
  const times = body.data.map((bar) => bar.t)
  expect(times).toEqual([...times].sort((a, b) => a - b))
  expect(new Set(times).size).toBe(times.length)
  for (const bar of body.data) {
    expect(Object.keys(bar)).toEqual(['o', 'c', 'h', 'l', 'v', 't'])
    expect(bar.h).toBeGreaterThanOrEqual(Math.max(bar.o, bar.c))
    expect(bar.l).toBeLessThanOrEqual(Math.min(bar.o, bar.c))
    expect(bar.l).toBeGreaterThan(0)
    expect(Number.isInteger(bar.v) && bar.v > 0).toBe(true)
  }
  expect(body.points).toBe(body.data.length)
  // The summaries are scaled by priceFactor; the bars are plain prices.
  const highest = Math.max(...body.data.map((bar) => bar.h))
  const lowest = Math.min(...body.data.map((bar) => bar.l))
  expect(body.high).toMatch(/^\d+\/\d+(\.\d+)?\/\d+$/)
  expect(Number(body.high.split('/')[0])).toBe(Math.round(highest * body.priceFactor))
  expect(Number(body.low.split('/')[0])).toBe(Math.round(lowest * body.priceFactor))
  const first = new Date(times[0] ?? 0).toISOString()
  expect(body.startTime).toBe(`${first.slice(0, 10).replaceAll('-', '')}-${first.slice(11, 19)}`)
}

describe('GET /v1/api/iserver/marketdata/history', () => {
  it('answers a year of daily bars in the gateway shape, one per session at 09:30', async () => {
    const { json } = await startSimulator()
    const body = await json<History>(url('period=1y&bar=1d'))

    expectWellFormed(body)
    expect(body).toMatchObject({
      symbol: 'AAPL',
      text: 'APPLE INC',
      priceFactor: 100,
      timePeriod: '1y',
      barLength: 86_400,
      outsideRth: false,
      volumeFactor: 1,
    })
    // Every weekday of the year (holidays are not modelled), none on a weekend.
    expect(body.data.length).toBeGreaterThanOrEqual(255)
    expect(body.data.length).toBeLessThanOrEqual(262)
    for (const bar of body.data) {
      expect([1, 2, 3, 4, 5]).toContain(new Date(bar.t).getUTCDay())
      expect(newYorkTime(bar.t)).toBe('09:30')
    }
    // Before Wednesday's open, the last bar is Tuesday's session.
    expect(new Date(body.data.at(-1)?.t ?? 0).toISOString()).toBe('2025-01-14T14:30:00.000Z')
  })

  it('draws hourly bars on the clock: a half-hour first bar, seven per session', async () => {
    const { json } = await startSimulator()
    const body = await json<History>(url('period=1w&bar=1h'))

    expectWellFormed(body)
    expect(body.barLength).toBe(3_600)
    const byDay = new Map<string, Bar[]>()
    for (const bar of body.data) {
      const day = new Date(bar.t).toISOString().slice(0, 10)
      byDay.set(day, [...(byDay.get(day) ?? []), bar])
    }
    const full = [...byDay.values()].filter((bars) => bars.length === 7)
    expect(full.length).toBeGreaterThanOrEqual(4)
    for (const bars of full) {
      expect(bars.map((bar) => newYorkTime(bar.t))).toEqual([
        '09:30',
        '10:00',
        '11:00',
        '12:00',
        '13:00',
        '14:00',
        '15:00',
      ])
    }
  })

  it('follows the stock’s price path: the open bar closes at the snapshot’s last price', async () => {
    const { json, clock } = await startSimulator()
    clock.advance(UNTIL_OPEN_MS)
    const snapshot = `/v1/api/iserver/marketdata/snapshot?conids=${AAPL}&fields=31`
    await json(snapshot)
    const [quote] = await json<Array<Record<string, string>>>(snapshot)
    const { data } = await json<History>(url('period=1d&bar=1h'))

    // 10:00 New York: the day's 09:30 bar is complete and its 10:00 bar has just opened. The
    // period reaches back a day, to Tuesday 10:00.
    const today = data.filter((bar) => bar.t >= Date.parse('2025-01-15T14:30:00Z'))
    expect(today.map((bar) => newYorkTime(bar.t))).toEqual(['09:30', '10:00'])
    expect(newYorkTime(data[0]?.t ?? 0)).toBe('11:00')
    expect(data.at(-1)?.c).toBe(Number(quote?.['31']))
    const daily = await json<History>(url('period=1d&bar=1d'))
    expect(daily.data).toHaveLength(1)
    expect(daily.data[0]).toMatchObject({ o: today[0]?.o, c: data.at(-1)?.c })
  })

  it('holds still while the market is shut and replays from the seed', async () => {
    const a = await startSimulator({ seed: 7 })
    const b = await startSimulator({ seed: 7 })
    const c = await startSimulator({ seed: 8 })
    const query = url('period=1m&bar=1h')
    const before = (await a.get(query)).body
    a.clock.advance(HOUR_MS)

    expect((await a.get(query)).body).toBe(before)
    expect((await b.get(query)).body).toBe(before)
    expect((await c.get(query)).body).not.toBe(before)
  })

  it('keeps at most the latest 1000 bars', async () => {
    const { json } = await startSimulator()
    const { data, points } = await json<History>(url('period=1y&bar=30min'))

    expect(points).toBe(1000)
    expect(data.at(-1)?.t).toBe(Date.parse('2025-01-14T20:30:00.000Z'))
    expect(START_MS - (data[0]?.t ?? 0)).toBeLessThan(120 * 24 * HOUR_MS)
  })

  it.each([
    [`${HISTORY}?conid=1&period=1w&bar=1h`, 'no contract for conid 1'],
    [`${HISTORY}?period=1w&bar=1h`, 'conid is required'],
    [`${HISTORY}?conid=AAPL&period=1w&bar=1h`, 'conid must be an integer'],
    [`${HISTORY}?conid=${AAPL}&bar=1h`, 'period is required'],
    [`${HISTORY}?conid=${AAPL}&period=1w`, 'bar is required'],
    [`${HISTORY}?conid=${AAPL}&period=9x&bar=1h`, 'period 9x is not valid'],
    [`${HISTORY}?conid=${AAPL}&period=1w&bar=7h`, 'bar 7h is not valid'],
  ])('%s answers 400 with the gateway error body', async (path, error) => {
    const { get } = await startSimulator()
    const response = await get(path)

    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual({ error, statusCode: 400 })
  })
})
