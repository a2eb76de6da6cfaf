import { type Catalog, catalog } from '@marketcache/shared/datasets/catalog'
import { coin } from '@marketcache/shared/datasets/coin'
import type { Envelope } from '@marketcache/shared/envelope'
import type { JobRequest } from '@marketcache/shared/jobs'
import { beforeAll, describe, expect, it } from 'vitest'
import { readEntry } from '../support/entries'
import { useHarness } from '../support/harness'
import { startSimulator } from '../support/simulator'

/**
 * A `/coins/markets` call costs one call for 1 id or 250: once the catalog's ranking is known, a
 * coin miss's call fills its page with the top coins that are not fresh.
 */
let clock = Date.now()
const h = useHarness({ upstream: () => startSimulator(), now: () => clock })
const coinJob = (id: string) =>
  ({ queue: 'coingecko', name: 'coingecko.coin', data: { id } }) as const satisfies JobRequest
const askedFor = () =>
  h.upstream.calls
    .filter((call) => call.path.startsWith('/api/v3/coins/'))
    .map((call) => {
      const url = new URL(call.path, 'http://sim')
      return { path: url.pathname, ids: url.searchParams.get('ids')?.split(',') ?? [] }
    })
const entryOf = async (id: string) =>
  (await readEntry(h.redis, h.key(coin, { id }))) as Envelope | null

let listed: Catalog
beforeAll(async () => {
  await h.run({ queue: 'coingecko', name: 'coingecko.catalog', data: {} })
  const entry = (await readEntry(h.redis, h.key(catalog, { name: 'coingecko-coins' }))) as Envelope
  listed = JSON.parse(entry.data) as Catalog
})

describe('a coin miss once the ranking is known', () => {
  it('asks for its coin alone while the top coins are fresh', async () => {
    const outside = listed.ids.find((id) => !listed.top?.includes(id)) ?? ''
    await h.upstream.reset()
    await h.run(coinJob(outside))
    expect(askedFor()).toEqual([{ path: `/api/v3/coins/${outside}`, ids: [] }])
  })

  it('takes the top coins that are not fresh along, in one call', async () => {
    const top = listed.top ?? []
    // Past the coin's fresh window (5 min): every top coin is stale.
    clock += 301_000
    await h.upstream.reset()
    await h.run(coinJob('bitcoin'))
    const calls = askedFor()
    expect(calls).toHaveLength(1)
    expect(calls[0]?.path).toBe('/api/v3/coins/markets')
    expect(new Set(calls[0]?.ids)).toEqual(new Set(top))
    const entries = await Promise.all(top.map(entryOf))
    expect(entries.every((entry) => entry !== null && entry.freshUntil > clock)).toBe(true)
  })

  it('leaves the fresh ones out, and keeps to one page', async () => {
    const [, second, third] = listed.top ?? []
    await h.redis.del(h.key(coin, { id: second ?? '' }), h.key(coin, { id: third ?? '' }))
    const outside = listed.ids.filter((id) => !listed.top?.includes(id)).slice(1, 3)
    await h.upstream.reset()
    await h.run(coinJob(outside[0] ?? ''))
    const calls = askedFor()
    expect(calls).toHaveLength(1)
    expect(new Set(calls[0]?.ids)).toEqual(new Set([outside[0], second, third]))
    expect(await entryOf(second ?? '')).not.toBeNull()
  })
})
