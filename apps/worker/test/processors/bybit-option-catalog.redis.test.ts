import { type Catalog, catalog } from '@marketcache/shared/datasets/catalog'
import type { Envelope } from '@marketcache/shared/envelope'
import { describe, expect, it } from 'vitest'
import { readEntry } from '../support/entries'
import { useHarness } from '../support/harness'
import { startSimulator } from '../support/simulator'

const h = useHarness({ upstream: () => startSimulator() })
const request = { queue: 'bybit', name: 'bybit.option-catalog', data: {} } as const
const ENDPOINT = '/v5/market/option-base-coins'

describe('bybit.option-catalog', () => {
  it('writes every base coin with Bybit options from one option-base-coins call', async () => {
    const done = await h.run(request)
    expect(await done.getState()).toBe('completed')
    const key = h.key(catalog, { name: 'bybit-options' })
    expect(done.returnvalue).toEqual({ written: [key] })

    const entry = (await readEntry(h.redis, key)) as Envelope
    const value = JSON.parse(entry.data) as Catalog
    // The simulator's chains; XRP and XAUT are announced with none (hasSymbol 0).
    expect(value).toMatchObject({ name: 'bybit-options', provider: 'bybit' })
    expect(value.ids).toEqual(['BTC', 'ETH', 'SOL'])
    expect(entry.source).toBe('bybit')
    const stats = await h.upstream.stats()
    expect(stats.byEndpoint[ENDPOINT]).toBe(1)
    expect(stats.total).toBe(1)
  })

  it('never caches a malformed answer: the last good catalog stays, marked', async () => {
    await h.run(request)
    const key = h.key(catalog, { name: 'bybit-options' })
    const before = (await readEntry(h.redis, key)) as Envelope

    await h.upstream.faults({ malformedRate: 1, malformedKind: 'shape' })
    const done = await h.run(request, 'update', { attempts: 1 })
    expect(await done.getState()).toBe('failed')
    expect(done.failedReason).toMatch(/^bybit \/v5\/market\/option-base-coins: .*hasSymbol/)
    const after = (await readEntry(h.redis, key)) as Envelope
    expect(after.data).toBe(before.data)
    expect(after.etag).toBe(before.etag)
    expect(after.lastError).toMatch(/^PROVIDER_BAD_RESPONSE: /)
  })
})
