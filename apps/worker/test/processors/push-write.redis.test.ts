import { analytics } from '@marketcache/shared/datasets/analytics'
import { signal } from '@marketcache/shared/datasets/signal'
import type { JobRequest } from '@marketcache/shared/jobs'
import { describe, expect, it } from 'vitest'
import { readEntry, readEnvelope } from '../support/entries'
import { useHarness } from '../support/harness'

const h = useHarness({ queues: ['push', 'control'] })

const HOUR = 3_600_000

function signalValue(id: string, overrides: Record<string, unknown> = {}, ttlMs = HOUR) {
  const now = Date.now()
  return {
    signal_id: id,
    symbol: 'AAPL',
    action: 'BUY',
    confidence: 0.7,
    target_price: null,
    reasoning: 'momentum',
    created_at: new Date(now - 60_000).toISOString(),
    expires_at: new Date(now + ttlMs).toISOString(),
    ...overrides,
  }
}

const push = (dataset: string, items: unknown[], extra: { ttl?: number; at?: number } = {}) =>
  h.run({
    queue: 'push',
    name: 'push.write',
    data: { dataset, items, at: extra.at ?? Date.now(), ...extra },
  } as JobRequest)

/** The members of a symbol's signal index, as the API lists them (past now). */
const indexed = (symbol: string) =>
  h.redis.zrangebyscore(h.keys.index('signal', 1, 'symbol', symbol), `(${Date.now()}`, '+inf')

/** The entry's TTL from when it was written: the job reads its clock twice, a ms apart at most. */
function expectTtl(stored: { freshUntil: number; fetchedAt: number }, ms: number) {
  expect(stored.freshUntil - stored.fetchedAt).toBeGreaterThanOrEqual(ms - 5)
  expect(stored.freshUntil - stored.fetchedAt).toBeLessThanOrEqual(ms)
}

describe('push.write', () => {
  it('writes a signal with the producer asOf, fresh until expires_at, no stale window', async () => {
    const value = signalValue('s1')
    const job = await push('signal', [value])
    const key = h.key(signal, { id: 's1' })
    expect(job.returnvalue).toEqual({ written: [key], kept: [], expired: [] })
    const stored = await readEnvelope(h.redis, key)
    expect(JSON.parse(stored.data)).toEqual(value)
    expect(stored.asOf).toBe(Date.parse(value.created_at))
    expect(stored.freshUntil).toBe(Date.parse(value.expires_at))
    expect(stored.staleUntil).toBe(stored.freshUntil)
    expect(stored.source).toBe('pushed')
    const ttl = await h.redis.pttl(key)
    expect(ttl).toBeGreaterThan(HOUR - 5000)
    expect(ttl).toBeLessThanOrEqual(HOUR)
  })

  it('an older asOf does not replace a newer one; an equal or newer one does', async () => {
    const key = h.key(signal, { id: 'cas' })
    const newer = signalValue('cas', { as_of: '2030-01-01T00:00:00Z', confidence: 0.9 })
    const older = signalValue('cas', { as_of: '2029-01-01T00:00:00Z', confidence: 0.1 })
    await push('signal', [newer])
    const late = await push('signal', [older])
    expect(late.returnvalue).toMatchObject({ written: [], kept: [key] })
    expect(JSON.parse((await readEnvelope(h.redis, key)).data).confidence).toBe(0.9)
    const revised = { ...newer, confidence: 0.95 }
    expect((await push('signal', [revised])).returnvalue).toMatchObject({ written: [key] })
  })

  it('caps a signal at SIGNAL_MAX_TTL_S (a day by default)', async () => {
    await push('signal', [signalValue('long', {}, 7 * 24 * HOUR)])
    const stored = await readEnvelope(h.redis, h.key(signal, { id: 'long' }))
    expectTtl(stored, 24 * HOUR)
  })

  it('indexes signals by symbol; an expired one drops out', async () => {
    await push('signal', [
      signalValue('short', { symbol: 'msft' }, 300),
      signalValue('kept', { symbol: 'MSFT' }),
    ])
    const keys = ['short', 'kept'].map((id) => h.key(signal, { id }))
    expect(await indexed('MSFT')).toEqual(keys)
    await new Promise((resolve) => setTimeout(resolve, 350))
    expect(await indexed('MSFT')).toEqual([keys[1]])
    expect(await readEntry(h.redis, keys[0] as string)).toBeNull()
  })

  it('a batch of 500 is one job writing 500 entries', async () => {
    const items = Array.from({ length: 500 }, (_, i) => signalValue(`b${i}`, { symbol: 'TSLA' }))
    const job = await push('signal', items)
    expect(job.returnvalue.written).toHaveLength(500)
    expect(await indexed('TSLA')).toHaveLength(500)
  })

  it('analytics: asOf is the push time when absent; ttl bounded by ANALYTICS_MAX_TTL_S', async () => {
    const at = Date.now() - 1000
    await push('analytics', [{ name: 'iv.rank', value: { btc: 0.4 } }], { ttl: 60, at })
    const stored = await readEnvelope(h.redis, h.key(analytics, { name: 'iv.rank' }))
    expect(stored.asOf).toBe(at)
    expectTtl(stored, 60_000)
    expect(JSON.parse(stored.data)).toEqual({ name: 'iv.rank', value: { btc: 0.4 } })
    await push('analytics', [{ name: 'long', value: 1 }], { ttl: 10 * 86_400 })
    const long = await readEnvelope(h.redis, h.key(analytics, { name: 'long' }))
    expectTtl(long, 86_400_000)
    await push('analytics', [{ name: 'default', value: 1 }])
    const fallback = await readEnvelope(h.redis, h.key(analytics, { name: 'default' }))
    expectTtl(fallback, 900_000)
  })

  it('an invalid value fails the job for good and writes nothing', async () => {
    const job = await push('signal', [signalValue('bad', { confidence: 2 })])
    expect(job.failedReason).toContain('INVALID_PUSH')
    expect(job.attemptsMade).toBe(1)
    expect(await readEntry(h.redis, h.key(signal, { id: 'bad' }))).toBeNull()
  })

  it('invalidation covers pushed entries like any other', async () => {
    await push('signal', [signalValue('gone')])
    const key = h.key(signal, { id: 'gone' })
    await h.run({
      queue: 'control',
      name: 'control.invalidate',
      data: { mode: 'delete', target: { dataset: 'signal' }, at: Date.now() },
    })
    expect(await readEntry(h.redis, key)).toBeNull()
  })
})
