import type { Envelope } from '@marketcache/shared/envelope'
import { Keys } from '@marketcache/shared/keys'
import { beforeEach, describe, expect, it } from 'vitest'
import { EnvelopeWriter } from '../src/envelope-writer'
import { testRedis } from './support/config'
import { readEntry } from './support/entries'

/**
 * Entries written before the packed `meta` field (one hash field per attribute) are still read,
 * and each script rewrites one in the packed layout when it changes it: an upgrade keeps a warm
 * cache warm, and the CAS keeps holding across it.
 */
const t = testRedis()
const keys = new Keys(t.keyPrefix)
const writer = new EnvelopeWriter(t.redis, keys)
const key = keys.cache('coin', 1, ['legacy'])
const now = Date.now()

const legacyFields = {
  data: '{"id":"legacy"}',
  asOf: '2000',
  fetchedAt: String(now),
  freshUntil: String(now + 60_000),
  staleUntil: String(now + 120_000),
  errorUntil: String(now + 600_000),
  etag: '"0123456789abcdef"',
  source: 'coingecko',
  schema: '1',
  basis: '67012.34567890123',
}

const asRead: Envelope = {
  data: legacyFields.data,
  asOf: 2000,
  fetchedAt: now,
  freshUntil: now + 60_000,
  staleUntil: now + 120_000,
  errorUntil: now + 600_000,
  etag: legacyFields.etag,
  source: 'coingecko',
  schema: 1,
  basis: 67_012.345_678_901_23,
}

function envelope(asOf: number, data: string): Envelope {
  return { ...asRead, basis: undefined, asOf, data, etag: `"${asOf}"`, fetchedAt: Date.now() }
}

const fieldsOf = async () => (await t.redis.hkeys(key)).sort()

beforeEach(async () => {
  await t.redis.del(key)
  await t.redis.hset(key, legacyFields)
  await t.redis.pexpire(key, 600_000)
})

describe('an entry in the layout before meta', () => {
  it('is read as it was written, basis to the last digit', async () => {
    expect(await readEntry(t.redis, key)).toEqual(asRead)
  })

  it('keeps its asOf for the CAS, and a newer write replaces it in the packed layout', async () => {
    const [older] = await writer.write({ key, envelope: envelope(1999, '{"v":"older"}') })
    expect(older?.written).toBe(false)
    expect(await readEntry(t.redis, key)).toEqual(asRead)
    const [newer] = await writer.write({ key, envelope: envelope(2001, '{"v":"newer"}') })
    expect(newer?.written).toBe(true)
    expect(await fieldsOf()).toEqual(['data', 'meta'])
    expect(await readEntry(t.redis, key)).toMatchObject({ data: '{"v":"newer"}', asOf: 2001 })
  })

  it('takes a failed refresh in the packed layout, losing nothing', async () => {
    expect(await writer.recordError([key], 'boom', 1234)).toEqual([key])
    expect(await fieldsOf()).toEqual(['data', 'meta'])
    expect(await readEntry(t.redis, key)).toEqual({
      ...asRead,
      lastError: 'boom',
      lastErrorAt: 1234,
    })
  })

  it('is soft-expired now, or deleted leaving its asOf as a tombstone', async () => {
    const at = Date.now()
    expect(await writer.invalidate([key], 'expire', at)).toBe(1)
    expect(await readEntry(t.redis, key)).toEqual({ ...asRead, freshUntil: at })
    expect(await writer.invalidate([key], 'delete', at)).toBe(1)
    expect(await readEntry(t.redis, key)).toBeNull()
    const [late] = await writer.write({ key, envelope: envelope(1999, '{"v":"late"}') })
    expect(late?.written).toBe(false)
    expect(await writer.invalidate([key], 'delete', at)).toBe(0)
  })

  it('becomes a negative entry that keeps its asOf', async () => {
    await writer.writeNotFound([{ key, negativeMs: 60_000 }], 'coingecko', 5)
    expect(await readEntry(t.redis, key)).toEqual({
      notFound: true,
      fetchedAt: 5,
      source: 'coingecko',
    })
    const [late] = await writer.write({ key, envelope: envelope(1999, '{"v":"late"}') })
    expect(late?.written).toBe(false)
  })

  it('as a negative entry, reads as absent, and the scripts still see it', async () => {
    // Its one provider call repeats the not-found, as after its short negative TTL.
    await t.redis.del(key)
    await t.redis.hset(key, { notFound: '1', fetchedAt: '7', source: 'bybit', asOf: '2000' })
    await t.redis.pexpire(key, 60_000)
    expect(await readEntry(t.redis, key)).toBeNull()
    expect(await writer.recordError([key], 'boom')).toEqual([])
    const [late] = await writer.write({ key, envelope: envelope(1999, '{"v":"late"}') })
    expect(late?.written).toBe(false)
    expect(await writer.invalidate([key], 'expire')).toBe(1)
    expect(await fieldsOf()).toEqual(['meta'])
    expect(await readEntry(t.redis, key)).toBeNull()
  })
})

describe('an entry whose meta is unreadable (a torn hand edit)', () => {
  it('reads as absent, and the next write replaces it', async () => {
    await t.redis.del(key)
    await t.redis.hset(key, { data: '{"id":"legacy"}', meta: '{"asOf":' })
    expect(await readEntry(t.redis, key)).toBeNull()
    expect(await writer.recordError([key], 'boom')).toEqual([])
    const [write] = await writer.write({ key, envelope: envelope(1, '{"v":"new"}') })
    expect(write?.written).toBe(true)
    expect(await readEntry(t.redis, key)).toMatchObject({ data: '{"v":"new"}', asOf: 1 })
  })
})
