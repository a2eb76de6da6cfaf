import { optionChain } from '@marketcache/shared/datasets/option-chain'
import { spot } from '@marketcache/shared/datasets/spot'
import type { Envelope } from '@marketcache/shared/envelope'
import type { JobRequest } from '@marketcache/shared/jobs'
import { describe, expect, it } from 'vitest'
import { BybitFailure, type BybitFixtures, startBybitFixtures } from '../providers/bybit/fixtures'
import { readEntry } from '../support/entries'
import { type Harness, useHarnessPerTest } from '../support/harness'
import { waitFor } from '../support/wait'

/** A fresh worker on fresh prefixes per test: pauses and retries must not leak between tests. */
const workers = useHarnessPerTest({ upstream: startBybitFixtures, queues: ['bybit'] })
const fixtures = workers.upstream
const harness = (env: Record<string, string> = {}) => workers.start({ env })

const spotRequest = (symbol: string): Extract<JobRequest, { queue: 'bybit' }> => ({
  queue: 'bybit',
  name: 'bybit.spot',
  data: { symbols: [symbol] },
})
const chainRequest = {
  queue: 'bybit',
  name: 'bybit.option-chain',
  data: { underlying: 'BTC' },
} as const
const BTC = { exchange: 'bybit', underlying: 'BTC' } as const

/** Waits out the first call, adds more work during the pause, and checks when calls resumed. */
async function pausedFor(h: Harness<BybitFixtures>, pauseMs: number) {
  const first = await h.add(spotRequest('BTCUSDT'))
  await waitFor(() => (fixtures.calls.length >= 1 ? true : undefined), { what: 'the first call' })
  const second = await h.add(spotRequest('ETHUSDT'))
  for (const job of [first, second]) {
    const done = await h.settled(job, 15_000)
    expect(await done.getState()).toBe('completed')
    // The refused run did not spend an attempt.
    expect(done.attemptsMade).toBe(1)
  }
  const [refused, ...rest] = fixtures.calls
  // After the pause the retried job takes the one waiting behind it into its call.
  expect(rest).toHaveLength(1)
  for (const call of rest) {
    expect(call.at - (refused?.at ?? 0)).toBeGreaterThanOrEqual(pauseMs)
  }
  for (const symbol of ['BTCUSDT', 'ETHUSDT']) {
    expect(await readEntry(h.redis, h.key(spot, { exchange: 'bybit', symbol }))).toMatchObject({
      source: 'bybit',
    })
  }
}

describe('rate limits pause the whole bybit queue', () => {
  it('after a 403 IP ban, no call goes out before the ban pause has elapsed', async () => {
    const h = await harness({ BYBIT_BAN_PAUSE_MS: '1500' })
    fixtures.failNext(BybitFailure.ipBan())
    await pausedFor(h, 1500)
  })

  it('after a 10006 without a reset header, the default second', async () => {
    const h = await harness()
    fixtures.failNext(BybitFailure.tooManyVisits())
    await pausedFor(h, 1000)
  })
})

describe('not found', () => {
  it('a 10001 for a symbol writes a negative entry and fails without retrying', async () => {
    const h = await harness()
    const job = await h.add(spotRequest('NOPEUSDT'))
    const done = await h.settled(job)
    expect(await done.getState()).toBe('failed')
    expect(done.attemptsMade).toBe(1)
    expect(done.opts.attempts).toBeGreaterThan(1)
    expect(done.failedReason).toContain('10001')
    const key = h.key(spot, { exchange: 'bybit', symbol: 'NOPEUSDT' })
    expect(await readEntry(h.redis, key)).toMatchObject({ notFound: true, source: 'bybit' })
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(fixtures.calls).toHaveLength(1)
  })
})

describe('transient failures', () => {
  it('retries Bybit’s 10016 with backoff until it succeeds', async () => {
    const h = await harness()
    fixtures.failNext(BybitFailure.serverError(), BybitFailure.requestTimeout())
    const job = await h.add(spotRequest('SOLUSDT'))
    const done = await h.settled(job)
    expect(await done.getState()).toBe('completed')
    expect(done.attemptsMade).toBe(3)
    expect(fixtures.calls).toHaveLength(3)
  })

  it('never caches garbage, and marks the previous chain after the last attempt', async () => {
    const h = await harness()
    const seed = await h.add(chainRequest)
    await h.settled(seed)
    const before = (await readEntry(h.redis, h.key(optionChain, BTC))) as Envelope

    const garbage = {
      status: 200,
      body: JSON.stringify({
        retCode: 0,
        retMsg: 'OK',
        result: { category: 'option', list: [{ symbol: 'BTC-27DEC24-100000-C', delta: 'n/a' }] },
        time: Date.now(),
      }),
    }
    fixtures.failNext(garbage, garbage)
    const refresh = await h.add(chainRequest, 'update', { attempts: 2 })
    const done = await h.settled(refresh)
    expect(await done.getState()).toBe('failed')
    expect(done.attemptsMade).toBe(2)

    const after = (await readEntry(h.redis, h.key(optionChain, BTC))) as Envelope
    expect(after.data).toBe(before.data)
    expect(after.etag).toBe(before.etag)
    expect(after.lastError).toMatch(/^PROVIDER_BAD_RESPONSE: /)
  })
})
