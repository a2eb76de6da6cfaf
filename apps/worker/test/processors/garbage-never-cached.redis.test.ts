import { instruments } from '@marketcache/shared/datasets/instruments'
import { optionChain } from '@marketcache/shared/datasets/option-chain'
import { type Envelope, encodeEnvelope } from '@marketcache/shared/envelope'
import { describe, expect, it } from 'vitest'
import type { Instruments } from '../../src/providers/bybit/adapter'
import { startBybitFixtures } from '../providers/bybit/fixtures'
import { readEntry } from '../support/entries'
import { useHarness } from '../support/harness'

/**
 * `entryOf` is the one guard: whatever a processor assembles, a value failing its dataset schema
 * is never cached. Here the chain job builds on a cached `instruments` entry whose contract has
 * an expiry that is a string but no date (each row still passes its schema), so the chain it
 * assembles has a days-to-expiry that is not a number.
 */
const h = useHarness({ upstream: startBybitFixtures, queues: ['bybit'] })

const BTC = { exchange: 'bybit', underlying: 'BTC' } as const

describe('a value that fails its dataset schema', () => {
  it('fails the job as the provider bad response and caches nothing', async () => {
    const request = {
      queue: 'bybit',
      name: 'bybit.instruments',
      data: { underlying: 'BTC' },
    } as const
    const listed = await h.run(request)
    expect(await listed.getState()).toBe('completed')
    const key = h.key(instruments, BTC)
    const stored = (await readEntry(h.redis, key)) as Envelope
    const value = JSON.parse(stored.data) as Instruments
    const [first] = value.contracts
    if (first === undefined) throw new Error('the fixture lists no contract')
    first.expiry = 'someday'
    // Stored as plain JSON now (the worker gzips large values).
    await h.redis.hset(
      key,
      ...encodeEnvelope({ ...stored, data: JSON.stringify(value), gzip: undefined }),
    )

    const job = await h.run({
      queue: 'bybit',
      name: 'bybit.option-chain',
      data: { underlying: 'BTC' },
    })
    expect(await job.getState()).toBe('failed')
    expect(job.failedReason).toMatch(
      /^bybit \/v5\/market\/tickers: option-chain\/expiries\/\d+\/days_to_expiry: /,
    )
    expect(await readEntry(h.redis, h.key(optionChain, BTC))).toBeNull()
  })
})
