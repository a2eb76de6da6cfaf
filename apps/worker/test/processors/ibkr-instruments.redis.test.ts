import { instruments } from '@marketcache/shared/datasets/instruments'
import type { Envelope } from '@marketcache/shared/envelope'
import type { Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { describe, expect, it } from 'vitest'
import { IBKR_FIXTURE_ENV, startIbkrFixtures } from '../providers/ibkr/fixture-route'
import { readEntry } from '../support/entries'
import { useHarness } from '../support/harness'

const h = useHarness({ upstream: startIbkrFixtures, queues: ['ibkr'], env: IBKR_FIXTURE_ENV })
const server = h.upstream

const calls = (endpoint: string) =>
  server.requests.filter((r) => r.path.startsWith(`/v1/api${endpoint}`)).length

describe('ibkr.instruments against recorded shapes', () => {
  it('qualifies the strikes nearest to spot in the first months, weeklies included', async () => {
    const job = await h.run({
      queue: 'ibkr',
      name: 'ibkr.instruments',
      data: { underlying: 'AAPL' },
    })
    expect(await job.getState()).toBe('completed')
    const key = h.key(instruments, { exchange: 'ibkr', underlying: 'AAPL' })
    expect(job.returnvalue).toEqual({ written: [key] })

    const entry = (await readEntry(h.redis, key)) as Envelope
    expect(entry.source).toBe('ibkr')
    const value = JSON.parse(entry.data) as Static<typeof instruments.value>
    expect(Value.Check(instruments.value, value)).toBe(true)
    expect(value).toMatchObject({ exchange: 'ibkr', underlying: 'AAPL', underlying_id: '265598' })
    // DEC28 holds three maturities (weeklies); JUN29 one, in daylight saving time (20:00Z).
    expect(value.expiries).toEqual([
      '2028-12-08T21:00:00.000Z',
      '2028-12-15T21:00:00.000Z',
      '2028-12-22T21:00:00.000Z',
      '2029-06-15T20:00:00.000Z',
    ])
    const strikesOf = (expiry: string) => [
      ...new Set(value.contracts.filter((c) => c.expiry === expiry).map((c) => c.strike)),
    ]
    // Spot is the stock's close (C232.50): the four nearest listed strikes of each month.
    expect(strikesOf('2028-12-15T21:00:00.000Z')).toEqual([225, 230, 235, 240])
    expect(strikesOf('2029-06-15T20:00:00.000Z')).toEqual([220, 230, 240, 250])
    expect(value.contracts).toHaveLength(3 * 4 * 2 + 4 * 2)
    expect(new Set(value.contracts.map((c) => c.symbol)).size).toBe(value.contracts.length)
    expect(value.contracts[0]).toEqual({
      symbol: expect.stringMatching(/^\d+$/),
      right: 'call',
      strike: 225,
      expiry: '2028-12-08T21:00:00.000Z',
      settle: 'USD',
      multiplier: 100,
      tick_size: null,
    })
    // One search, one stock snapshot round, strikes per month, info per strike and right.
    expect(calls('/iserver/secdef/search')).toBe(1)
    expect(calls('/iserver/secdef/strikes')).toBe(2)
    expect(calls('/iserver/secdef/info')).toBe(16)
    expect(calls('/iserver/marketdata/snapshot')).toBe(2)
    expect(await h.redis.pexpiretime(key)).toBe(entry.errorUntil)
  })
})
