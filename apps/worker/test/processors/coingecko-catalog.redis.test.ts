import { type Catalog, catalog } from '@marketcache/shared/datasets/catalog'
import { coin } from '@marketcache/shared/datasets/coin'
import type { Envelope } from '@marketcache/shared/envelope'
import { describe, expect, it } from 'vitest'
import { readEntry } from '../support/entries'
import { useHarness } from '../support/harness'
import { startSimulator } from '../support/simulator'

const h = useHarness({ upstream: () => startSimulator() })
const params = { name: 'coingecko-coins' } as const

describe('coingecko.catalog', () => {
  it('writes every CoinGecko id from one /coins/list call, sorted, and the ranking', async () => {
    const done = await h.run({ queue: 'coingecko', name: 'coingecko.catalog', data: {} })
    expect(await done.getState()).toBe('completed')
    const key = h.key(catalog, params)
    expect(done.returnvalue.written).toContain(key)

    const entry = (await readEntry(h.redis, key)) as Envelope
    const value = JSON.parse(entry.data) as Catalog
    expect(value).toMatchObject({ name: 'coingecko-coins', provider: 'coingecko' })
    expect(value.ids).toContain('bitcoin')
    expect(value.ids).not.toContain('made-up-coin')
    expect(value.ids).toEqual([...new Set(value.ids)].sort())
    expect(entry.source).toBe('coingecko')
    expect(entry.freshUntil - entry.fetchedAt).toBeLessThanOrEqual(3_600_000)
    // The ranking: the first /coins/markets page, by market cap, written as coin entries too.
    expect(value.top).toHaveLength(250)
    expect(value.top?.slice(0, 2)).toEqual(['bitcoin', 'ethereum'])
    expect(done.returnvalue.written).toContain(h.key(coin, { id: value.top?.[249] ?? '' }))
    const stats = await h.upstream.stats()
    expect(stats.byEndpoint['/coins/list']).toBe(1)
    expect(stats.byEndpoint['/coins/markets']).toBe(1)
    expect(stats.total).toBe(2)
  })
})

describe('bybit.catalog', () => {
  it('writes every Bybit spot pair from instruments-info (spot)', async () => {
    const done = await h.run({ queue: 'bybit', name: 'bybit.catalog', data: {} })
    expect(await done.getState()).toBe('completed')
    const key = h.key(catalog, { name: 'bybit-spot' })
    expect(done.returnvalue).toEqual({ written: [key] })
    const value = JSON.parse(((await readEntry(h.redis, key)) as Envelope).data) as Catalog
    expect(value).toMatchObject({ name: 'bybit-spot', provider: 'bybit' })
    expect(value.ids).toContain('BTCUSDT')
    expect(value.ids).not.toContain('NOPEUSDT')
    expect(value.ids).toEqual([...new Set(value.ids)].sort())
    expect((await h.upstream.stats()).byEndpoint['/v5/market/instruments-info']).toBe(1)
  })
})
