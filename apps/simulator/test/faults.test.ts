import { describe, expect, it } from 'vitest'
import { startSimulator } from './simulator-fixture'

const PROVIDER_URLS = [
  '/api/v3/coins/bitcoin',
  '/api/v3/coins/markets?vs_currency=usd&per_page=5',
  '/api/v3/simple/price?ids=bitcoin&vs_currencies=usd',
]

describe('faults', () => {
  it('answers 500 with a JSON error body at errorRate 1', async () => {
    const { get } = await startSimulator({ faults: { errorRate: 1 } })
    for (const url of PROVIDER_URLS) {
      const response = await get(url)
      expect(response.statusCode).toBe(500)
      expect(response.json()).toEqual({
        status: { error_code: 500, error_message: 'Internal server error' },
      })
    }
  })

  it('answers 200 with invalid JSON at malformedRate 1, kind truncated', async () => {
    const { get } = await startSimulator({
      faults: { malformedRate: 1, malformedKind: 'truncated' },
    })
    for (const url of PROVIDER_URLS) {
      const response = await get(url)
      expect(response.statusCode).toBe(200)
      expect(response.headers['content-type']).toMatch(/^application\/json/)
      expect(() => JSON.parse(response.body), url).toThrow()
    }
  })

  it('answers 200 with valid JSON of the wrong shape at malformedRate 1, kind shape', async () => {
    const { get } = await startSimulator({ faults: { malformedRate: 1, malformedKind: 'shape' } })
    const [coin, markets, prices] = await Promise.all(PROVIDER_URLS.map((url) => get(url)))

    expect(coin?.statusCode).toBe(200)
    expect(coin?.json()).toMatchObject({ id: 'bitcoin' })
    expect(coin?.json()).not.toHaveProperty('market_data')
    const rows = markets?.json<Array<{ current_price: unknown }>>() ?? []
    expect(rows.length).toBe(5)
    for (const row of rows) expect(Number.isNaN(Number(row.current_price))).toBe(true)
    const usd = prices?.json<Record<string, Record<string, unknown>>>().bitcoin?.usd
    expect(Number.isNaN(Number(usd))).toBe(true)
  })

  it('leaves 404s alone, since there is no data to corrupt', async () => {
    const { get } = await startSimulator({ faults: { malformedRate: 1 } })
    const response = await get('/api/v3/coins/no-such-coin')

    expect(response.statusCode).toBe(404)
    expect(response.json()).toEqual({ error: 'coin not found' })
  })

  it('never faults at rate 0', async () => {
    const { get } = await startSimulator({ faults: { errorRate: 0, malformedRate: 0 } })
    for (let i = 0; i < 30; i++) {
      const response = await get('/api/v3/coins/bitcoin')
      expect(response.statusCode).toBe(200)
      expect(response.json()).toHaveProperty('market_data')
    }
  })

  it('faults about as often as the rate says, the same way for the same seed', async () => {
    const statuses = async () => {
      const { get } = await startSimulator({ seed: 3, faults: { errorRate: 0.5 } })
      const codes: number[] = []
      for (let i = 0; i < 200; i++) codes.push((await get('/api/v3/ping')).statusCode)
      return codes
    }
    const first = await statuses()

    expect(await statuses()).toEqual(first)
    const failures = first.filter((code) => code === 500).length
    expect(failures).toBeGreaterThan(60)
    expect(failures).toBeLessThan(140)
  })

  it('delays responses by latencyMs, plus slowMs when slow', async () => {
    const timed = async (opts: Parameters<typeof startSimulator>[0]) => {
      const { get } = await startSimulator(opts)
      const started = performance.now()
      await get('/api/v3/ping')
      return performance.now() - started
    }

    expect(await timed({ latencyMs: 60 })).toBeGreaterThanOrEqual(55)
    expect(
      await timed({ latencyMs: 0, faults: { slowRate: 1, slowMs: 80 } }),
    ).toBeGreaterThanOrEqual(75)
    expect(await timed({ latencyMs: 0, faults: { slowRate: 0, slowMs: 5_000 } })).toBeLessThan(
      1_000,
    )
  })

  it('spares the control routes', async () => {
    const { get } = await startSimulator({
      latencyMs: 5_000,
      faults: { errorRate: 1, forced429: 5 },
    })
    const started = performance.now()

    expect((await get('/__sim/stats')).statusCode).toBe(200)
    expect((await get('/__sim/faults')).statusCode).toBe(200)
    expect(performance.now() - started).toBeLessThan(1_000)
  })
})
