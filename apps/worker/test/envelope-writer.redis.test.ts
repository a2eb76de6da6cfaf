import type { Envelope } from '@marketcache/shared/envelope'
import { decodeWrittenEvent, type WrittenEvent } from '@marketcache/shared/envelope'
import { Keys } from '@marketcache/shared/keys'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EnvelopeWriter } from '../src/envelope-writer'
import { testRedis } from './support/config'
import { readEntry } from './support/entries'
import { waitFor } from './support/wait'

const t = testRedis()
const keys = new Keys(t.keyPrefix)
const writer = new EnvelopeWriter(t.redis, keys)
const key = (name: string) => keys.cache('coin', 1, [name])
const events: WrittenEvent[] = []
let subscriber: Redis

function envelope(asOf: number, data: string, extra: Partial<Envelope> = {}): Envelope {
  const now = Date.now()
  return {
    data,
    asOf,
    fetchedAt: now,
    freshUntil: now + 10_000,
    staleUntil: now + 20_000,
    errorUntil: now + 60_000,
    etag: `"${data.length.toString(16).padStart(16, '0')}"`,
    source: 'coingecko',
    schema: 1,
    ...extra,
  }
}

/** Waits for the next event about `key` and consumes it, so events never leak between steps. */
async function takeEvent(key: string): Promise<WrittenEvent> {
  return waitFor(
    () => {
      const index = events.findIndex((e) => e.key === key)
      return index === -1 ? undefined : events.splice(index, 1)[0]
    },
    { what: `written event for ${key}` },
  )
}

beforeAll(async () => {
  subscriber = t.redis.duplicate()
  await subscriber.subscribe(keys.writtenChannel())
  subscriber.on('message', (_channel, message) => {
    const event = decodeWrittenEvent(message)
    if (event) events.push(event)
  })
})

afterAll(async () => {
  await subscriber.quit()
  await t.cleanup()
})

describe('EnvelopeWriter.write', () => {
  it('stores every envelope field, expires at max(staleUntil, errorUntil) and announces the key', async () => {
    const entry = envelope(1000, '{"a":1}')
    const [outcome] = await writer.write({ key: key('one'), envelope: entry })
    expect(outcome).toEqual({ key: key('one'), written: true })
    expect(await readEntry(t.redis, key('one'))).toEqual(entry)
    const expireAt = await t.redis.pexpiretime(key('one'))
    expect(expireAt).toBe(entry.errorUntil)
    expect(await takeEvent(key('one'))).toEqual({ key: key('one'), etag: entry.etag })
  })

  it('never lets an older asOf replace newer data, but still wakes readers', async () => {
    const newer = envelope(2000, '{"v":"newer"}')
    await writer.write({ key: key('cas'), envelope: newer })
    await takeEvent(key('cas'))
    const [outcome] = await writer.write({
      key: key('cas'),
      envelope: envelope(1999, '{"v":"older"}'),
    })
    expect(outcome?.written).toBe(false)
    expect((await readEntry(t.redis, key('cas'))) as Envelope).toMatchObject({
      data: '{"v":"newer"}',
      asOf: 2000,
    })
    expect(await takeEvent(key('cas'))).toEqual({ key: key('cas'), etag: newer.etag })
  })

  it('lets an equal asOf replace the entry and drops stale optional fields', async () => {
    await writer.write({ key: key('eq'), envelope: envelope(3000, '{"v":1}') })
    await writer.recordError([key('eq')], 'boom')
    expect(await readEntry(t.redis, key('eq'))).toMatchObject({ lastError: 'boom' })
    const [outcome] = await writer.write({ key: key('eq'), envelope: envelope(3000, '{"v":22}') })
    expect(outcome?.written).toBe(true)
    const stored = (await readEntry(t.redis, key('eq'))) as Envelope
    expect(stored.data).toBe('{"v":22}')
    expect(stored.lastError).toBeUndefined()
    expect(stored.lastErrorAt).toBeUndefined()
  })

  it('replaces a negative entry written over nothing, whatever the asOf', async () => {
    await writer.writeNotFound([{ key: key('neg'), negativeMs: 60_000 }], 'coingecko')
    const [outcome] = await writer.write({
      key: key('neg'),
      envelope: envelope(1, '{"back":true}'),
    })
    expect(outcome?.written).toBe(true)
    const stored = await readEntry(t.redis, key('neg'))
    expect(stored).toMatchObject({ data: '{"back":true}' })
    expect(stored).not.toHaveProperty('notFound')
  })

  it('keeps the CAS across a not-found: a late job with older data is refused', async () => {
    await writer.write({ key: key('neg-cas'), envelope: envelope(2000, '{"v":"newer"}') })
    await writer.writeNotFound([{ key: key('neg-cas'), negativeMs: 60_000 }], 'coingecko')
    const [late] = await writer.write({
      key: key('neg-cas'),
      envelope: envelope(500, '{"v":"late"}'),
    })
    expect(late?.written).toBe(false)
    expect(await readEntry(t.redis, key('neg-cas'))).toMatchObject({ notFound: true })
    // A second not-found keeps the highest asOf too.
    await writer.writeNotFound([{ key: key('neg-cas'), negativeMs: 60_000 }], 'coingecko')
    const [older] = await writer.write({
      key: key('neg-cas'),
      envelope: envelope(1999, '{"v":"older"}'),
    })
    expect(older?.written).toBe(false)
    const [back] = await writer.write({
      key: key('neg-cas'),
      envelope: envelope(2000, '{"v":"back"}'),
    })
    expect(back?.written).toBe(true)
    const stored = await readEntry(t.redis, key('neg-cas'))
    expect(stored).toMatchObject({ data: '{"v":"back"}', asOf: 2000 })
    expect(stored).not.toHaveProperty('notFound')
  })

  it('writes a batch, reporting each key', async () => {
    await writer.write({ key: key('b2'), envelope: envelope(10, '{}') })
    const outcomes = await writer.write([
      { key: key('b1'), envelope: envelope(5, '{"b":1}') },
      { key: key('b2'), envelope: envelope(4, '{"b":2}') },
      { key: key('b3'), envelope: envelope(5, '{"b":3}') },
    ])
    expect(outcomes.map((o) => o.written)).toEqual([true, false, true])
    expect(await writer.write([])).toEqual([])
  })
})

describe('EnvelopeWriter.writeNotFound', () => {
  it('writes a negative entry with the negative TTL and announces it without an etag', async () => {
    await writer.write({ key: key('gone'), envelope: envelope(1, '{"was":"here"}') })
    await takeEvent(key('gone'))
    const before = Date.now()
    await writer.writeNotFound([{ key: key('gone'), negativeMs: 5000 }], 'coingecko', before)
    expect(await readEntry(t.redis, key('gone'))).toEqual({
      notFound: true,
      fetchedAt: before,
      source: 'coingecko',
    })
    expect(await t.redis.hexists(key('gone'), 'data')).toBe(0)
    const ttl = await t.redis.pttl(key('gone'))
    expect(ttl).toBeGreaterThan(4000)
    expect(ttl).toBeLessThanOrEqual(5000)
    expect(await takeEvent(key('gone'))).toEqual({ key: key('gone') })
  })
})

describe('EnvelopeWriter.recordError', () => {
  it('marks only existing, non-negative entries and keeps their expiry', async () => {
    const stored = envelope(1, '{}')
    await writer.write({ key: key('err'), envelope: stored })
    await writer.writeNotFound([{ key: key('err-neg'), negativeMs: 5000 }], 'coingecko')
    await takeEvent(key('err'))
    await takeEvent(key('err-neg'))
    const expireBefore = await t.redis.pexpiretime(key('err'))

    const marked = await writer.recordError(
      [key('err'), key('err-neg'), key('err-absent')],
      'PROVIDER_UNAVAILABLE: coingecko /coins/{id} answered 500\nsecond line',
      1234,
    )
    expect(marked).toEqual([key('err')])
    expect(await readEntry(t.redis, key('err'))).toMatchObject({
      lastError: 'PROVIDER_UNAVAILABLE: coingecko /coins/{id} answered 500 second line',
      lastErrorAt: 1234,
    })
    expect(await t.redis.pexpiretime(key('err'))).toBe(expireBefore)
    expect(await readEntry(t.redis, key('err-neg'))).toEqual({
      notFound: true,
      fetchedAt: expect.any(Number),
      source: 'coingecko',
    })
    expect(await t.redis.exists(key('err-absent'))).toBe(0)
    // Readers waiting on a miss wake up and can serve the entry stale, with its error.
    expect(await takeEvent(key('err'))).toEqual({ key: key('err'), etag: stored.etag })
  })
})

describe('script loading', () => {
  // SCRIPT FLUSH would prove the EVAL fallback directly, but the server is shared with other suites.
  it('works in a pipeline on a connection that never ran the scripts', async () => {
    const fresh = new Redis(t.redis.options)
    const otherWriter = new EnvelopeWriter(fresh, keys)
    const outcomes = await otherWriter.write([
      { key: key('reload-1'), envelope: envelope(1, '{}') },
      { key: key('reload-2'), envelope: envelope(1, '{}') },
    ])
    expect(outcomes.every((o) => o.written)).toBe(true)
    await fresh.quit()
  })
})
