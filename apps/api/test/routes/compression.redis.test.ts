import { gunzipSync } from 'node:zlib'
import { cacheKey } from '@marketcache/shared/dataset'
import { optionChain } from '@marketcache/shared/datasets/option-chain'
import { compressedIfLarge } from '@marketcache/shared/envelope'
import { beforeEach, describe, expect, it } from 'vitest'
import { envelope, storedMeta, writeEntry } from '../fixtures/cache-writer'
import { chainValue, stored } from '../fixtures/market-data'
import { useTestApp } from '../fixtures/test-app'

const t = useTestApp()
const DATA = stored(chainValue('BTC'))
const URL = '/v1/options/bybit/BTC/chain'
const key = () => cacheKey(t.keys, optionChain, { exchange: 'bybit', underlying: 'BTC' })
const get = (url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url, headers })

beforeEach(async () => {
  // As the worker writes a large value: gzipped.
  const entry = compressedIfLarge(envelope(DATA, { etag: 'chain1', source: 'bybit' }))
  await writeEntry(t.redis, t.keys, key(), entry)
})

describe('a large value, stored gzipped', () => {
  it('takes a fraction of its JSON size in Redis', async () => {
    expect((await storedMeta(t.redis, key()))?.encoding).toBe('gzip')
    const bytes = (await t.redis.hgetBuffer(key(), 'data')) as Buffer
    expect(bytes.length).toBeLessThan(DATA.length / 4)
  })

  it('goes to a gzip client as stored, and decodes to the JSON', async () => {
    const response = await get(URL, { 'accept-encoding': 'gzip, deflate, br' })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-encoding']).toBe('gzip')
    expect(response.headers.vary).toContain('Accept-Encoding')
    expect(response.headers.etag).toBe('W/"chain1"')
    expect(response.rawPayload.equals((await t.redis.hgetBuffer(key(), 'data')) as Buffer)).toBe(
      true,
    )
    expect(gunzipSync(response.rawPayload).toString()).toBe(DATA)
  })

  it.each([
    ['no Accept-Encoding', {}],
    ['br only', { 'accept-encoding': 'br' }],
    ['gzip refused', { 'accept-encoding': 'gzip;q=0, identity' }],
  ])('goes decoded to a client with %s, never compressed per request', async (_name, headers) => {
    const response = await get(URL, headers)
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-encoding']).toBeUndefined()
    expect(response.body).toBe(DATA)
    expect(response.headers.etag).toBe('W/"chain1"')
  })

  it('answers 304 to either encoding with the same tag', async () => {
    for (const encoding of ['gzip', 'identity']) {
      const response = await get(URL, {
        'accept-encoding': encoding,
        'if-none-match': 'W/"chain1"',
      })
      expect(response.statusCode).toBe(304)
    }
  })

  it('serves a filtered read from the decoded value', async () => {
    const response = await get(`${URL}?right=call`, { 'accept-encoding': 'gzip' })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-encoding']).toBeUndefined()
    const body = response.json() as { expiries: { strikes: { put: unknown }[] }[] }
    expect(body.expiries.flatMap((e) => e.strikes).every((s) => s.put === null)).toBe(true)
  })
})

describe('other responses', () => {
  it('over 1 KB are compressed per request for a client that accepts it', async () => {
    const response = await get('/docs/json', { 'accept-encoding': 'br' })
    expect(response.headers['content-encoding']).toBe('br')
    const small = await get('/health', { 'accept-encoding': 'gzip' })
    expect(small.headers['content-encoding']).toBeUndefined()
  })
})
