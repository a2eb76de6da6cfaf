import { describe, expect, it } from 'vitest'
import { UNIVERSE_SIZE } from '../../src/coingecko/universe'
import { startSimulator } from '../simulator-fixture'

interface Listed {
  id: string
  symbol: string
  name: string
  platforms?: Record<string, string>
}

describe('GET /api/v3/coins/list', () => {
  it('lists every coin once, sorted by id, as {id, symbol, name}', async () => {
    const { json } = await startSimulator()
    const rows = await json<Listed[]>('/api/v3/coins/list')
    expect(rows).toHaveLength(UNIVERSE_SIZE)
    expect(new Set(rows.map((row) => row.id)).size).toBe(UNIVERSE_SIZE)
    expect(rows.map((row) => row.id)).toEqual(rows.map((row) => row.id).sort())
    expect(rows.find((row) => row.id === 'bitcoin')).toEqual({
      id: 'bitcoin',
      symbol: 'btc',
      name: 'Bitcoin',
    })
    expect(rows.some((row) => row.id === 'made-up-coin')).toBe(false)
  })

  it('adds platforms with include_platform=true', async () => {
    const { json } = await startSimulator()
    const rows = await json<Listed[]>('/api/v3/coins/list?include_platform=true')
    expect(rows[0]?.platforms).toEqual({})
  })

  it('lists the coins /coins/markets knows, and counts as one call', async () => {
    const { json } = await startSimulator()
    const listed = await json<Listed[]>('/api/v3/coins/list')
    const markets = await json<{ id: string }[]>(
      `/api/v3/coins/markets?vs_currency=usd&per_page=250&ids=${listed
        .slice(0, 50)
        .map((row) => row.id)
        .join(',')}`,
    )
    expect(markets).toHaveLength(50)
    const stats = await json<{ byEndpoint: Record<string, number> }>('/__sim/stats')
    expect(stats.byEndpoint['/coins/list']).toBe(1)
  })
})
