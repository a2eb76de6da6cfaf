import { marketStatus } from '@marketcache/shared/datasets/market-status'
import type { Envelope } from '@marketcache/shared/envelope'
import type { JobRequest } from '@marketcache/shared/jobs'
import { Value } from '@sinclair/typebox/value'
import { beforeEach, describe, expect, it } from 'vitest'
import { readEntry } from '../support/entries'
import { useHarness } from '../support/harness'

/**
 * The processors' clock, pinned per test; BullMQ itself runs on real time. The instants lie in
 * 2099 because keys expire at PEXPIREAT from this clock: one in the past would vanish on write.
 */
let clock = 0

// Only the derive queue, on the pinned clock and without freshness jitter.
const h = useHarness({ queues: ['derive'], now: () => clock, random: () => 0 })

/** `market` may be one no processor accepts: such a job must fail, not crash the worker. */
const run = (market: string) =>
  h.run({ queue: 'derive', name: 'derive.market-status', data: { market } } as JobRequest)

const keyOf = (market: 'crypto' | 'us-equities') => h.key(marketStatus, { market })
const policy = () => h.config.freshness['market-status']

// Each test pins its own clock; an entry left by another test could be "newer" and win the asOf check.
beforeEach(async () => {
  await h.redis.del(keyOf('us-equities'), keyOf('crypto'))
})

describe('derive.market-status through a BullMQ worker', () => {
  it('writes the us-equities status as a derived entry, as of the clock', async () => {
    clock = Date.parse('2099-11-27T18:30:00Z') // 13:30 New York, day after Thanksgiving
    const done = await run('us-equities')
    expect(await done.getState()).toBe('completed')
    const key = keyOf('us-equities')
    expect(key).toBe(h.keys.cache('market-status', 1, ['us-equities']))
    expect(done.returnvalue).toEqual({ written: [key] })

    const entry = (await readEntry(h.redis, key)) as Envelope
    expect(entry).toMatchObject({
      asOf: clock,
      fetchedAt: clock,
      source: 'derived',
      schema: marketStatus.schemaVersion,
    })
    const value = JSON.parse(entry.data)
    expect(Value.Check(marketStatus.value, value)).toBe(true)
    expect(value).toEqual({
      market: 'us-equities',
      status: 'post-market',
      is_open: false,
      timezone: 'America/New_York',
      next_open: '2099-11-30T14:30:00.000Z',
      next_close: '2099-11-30T21:00:00.000Z',
      reason: 'early close: day after Thanksgiving Day',
      as_of: '2099-11-27T18:30:00.000Z',
    })
    // Far from the next change (17:00 New York), the configured policy applies as is.
    expect(entry.freshUntil).toBe(clock + policy().freshMs)
    expect(entry.staleUntil).toBe(entry.freshUntil + policy().staleMs)
  })

  it('stops serving a status once its session ends: fresh and stale end at the change', async () => {
    const change = Date.parse('2099-10-13T20:00:00Z') // 16:00 New York, a Tuesday
    clock = change - 30_000
    const done = await run('us-equities')
    expect(await done.getState()).toBe('completed')

    const entry = (await readEntry(h.redis, keyOf('us-equities'))) as Envelope
    expect(JSON.parse(entry.data)).toMatchObject({ status: 'open', is_open: true })
    expect(entry.freshUntil).toBe(change)
    expect(entry.staleUntil).toBe(change)
    // The error window stays, so a stopped worker still leaves a fallback.
    expect(entry.errorUntil).toBe(change + policy().errorMs)
    expect(await h.redis.pexpiretime(keyOf('us-equities'))).toBe(entry.errorUntil)

    // Just after the change the new session is written, hours from the next one: policy as is.
    clock = change + 1_000
    await run('us-equities')
    const after = (await readEntry(h.redis, keyOf('us-equities'))) as Envelope
    expect(JSON.parse(after.data)).toMatchObject({ status: 'post-market' })
    expect(after.freshUntil).toBe(clock + policy().freshMs)
  })

  it('cuts the stale window alone when the change falls inside it', async () => {
    const change = Date.parse('2099-10-13T13:30:00Z') // 09:30 New York
    clock = change - 90_000
    await run('us-equities')
    const entry = (await readEntry(h.redis, keyOf('us-equities'))) as Envelope
    expect(JSON.parse(entry.data)).toMatchObject({ status: 'pre-market' })
    expect(entry.freshUntil).toBe(clock + policy().freshMs)
    expect(entry.staleUntil).toBe(change)
  })

  it('writes crypto as always open, with the configured freshness', async () => {
    clock = Date.parse('2099-12-25T15:00:00Z')
    const done = await run('crypto')
    expect(await done.getState()).toBe('completed')
    const entry = (await readEntry(h.redis, keyOf('crypto'))) as Envelope
    expect(JSON.parse(entry.data)).toEqual({
      market: 'crypto',
      status: 'open',
      is_open: true,
      timezone: 'UTC',
      next_open: null,
      next_close: null,
      reason: null,
      as_of: '2099-12-25T15:00:00.000Z',
    })
    expect(entry).toMatchObject({ source: 'derived', asOf: clock })
    expect(entry.freshUntil).toBe(clock + policy().freshMs)
    expect(entry.staleUntil).toBe(entry.freshUntil + policy().staleMs)
  })

  it('fails a job for an unknown market without retrying or writing', async () => {
    const done = await run('forex')
    expect(await done.getState()).toBe('failed')
    expect(done.attemptsMade).toBe(1)
    expect(done.failedReason).toMatch(/^INVALID_JOB: /)
    // No dataset params name forex, so the key is built from its parts.
    expect(await h.redis.exists(h.keys.cache('market-status', 1, ['forex']))).toBe(0)
  })
})
