import { cacheKey } from '@marketcache/shared/dataset'
import { catalog } from '@marketcache/shared/datasets/catalog'
import { coin } from '@marketcache/shared/datasets/coin'
import { LEGACY_FIELDS } from '@marketcache/shared/legacy-envelope'
import { describe, expect, it } from 'vitest'
import { coinData, envelope, writeEntry } from './fixtures/cache-writer'
import { useTestApp } from './fixtures/test-app'

/**
 * Entries written before the packed `meta` field (one hash field per attribute) are served as
 * they were, so upgrading the API over a warm cache does not turn it into misses (and a burst of
 * provider calls). With L1 off every read goes to Redis; with it on, the second one is from L1.
 */
describe.each(['0', '67108864'])('an entry in the layout before meta (L1_MAX_BYTES=%s)', (l1) => {
  const t = useTestApp({ L1_MAX_BYTES: l1 })
  const key = (id: string) => cacheKey(t.keys, coin, { id })

  /** HSETs an envelope field by field, as marketcache 0.1 wrote it. */
  async function writeLegacy(at: string, data: string, etag: string) {
    const stored = envelope(data, { etag })
    const fields: Record<string, string> = { data }
    for (const field of LEGACY_FIELDS) {
      const value = (stored as unknown as Record<string, unknown>)[field]
      if (field !== 'data' && value !== undefined) fields[field] = String(value)
    }
    await t.redis.hset(at, fields)
    await t.redis.pexpire(at, 600_000)
  }

  it('is a HIT with its own body and entity tag, alone and in a multi-get', async () => {
    await writeLegacy(key('bitcoin'), coinData('bitcoin'), 'legacy1')
    await writeEntry(
      t.redis,
      t.keys,
      key('ethereum'),
      envelope(coinData('ethereum'), { etag: 'packed1' }),
    )
    for (let read = 0; read < 2; read++) {
      const one = await t.app.inject('/v1/coins/bitcoin?wait=0')
      expect(one.statusCode).toBe(200)
      expect(one.headers['x-cache-status']).toBe('HIT')
      expect(one.headers.etag).toBe('"legacy1"')
      expect(one.body).toBe(coinData('bitcoin'))
    }
    const many = await t.app.inject('/v1/coins?ids=bitcoin,ethereum&wait=0')
    expect(many.statusCode).toBe(200)
    expect(many.json().items).toMatchObject([
      { id: 'bitcoin', status: 'HIT', data: { id: 'bitcoin' } },
      { id: 'ethereum', status: 'HIT', data: { id: 'ethereum' } },
    ])
    expect(await t.pendingJobs()).toHaveLength(0)
  })

  it('as a provider catalog, still refuses the ids it lacks', async () => {
    const value = { name: 'coingecko-coins', provider: 'coingecko', ids: ['bitcoin'], as_of: 'x' }
    const at = cacheKey(t.keys, catalog, { name: 'coingecko-coins' })
    await writeLegacy(at, JSON.stringify(value), 'catalog1')
    const refused = await t.app.inject('/v1/coins/made-up-coin?wait=0')
    expect(refused.statusCode).toBe(404)
    expect(await t.pendingJobs()).toHaveLength(0)
  })
})
