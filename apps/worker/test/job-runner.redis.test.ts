import { coin } from '@marketcache/shared/datasets/coin'
import { tokenomics } from '@marketcache/shared/datasets/tokenomics'
import type { Envelope } from '@marketcache/shared/envelope'
import type { JobRequest } from '@marketcache/shared/jobs'
import { describe, expect, it } from 'vitest'
import { createLogger } from '../src/logger'
import { startWorker } from '../src/start-worker'
import { readEntry } from './support/entries'
import { startFixtureServer } from './support/fixture-server'
import { useHarnessPerTest } from './support/harness'
import { startSimulator } from './support/simulator'
import { waitFor } from './support/wait'

const coinRequest = (id: string): JobRequest => ({
  queue: 'coingecko',
  name: 'coingecko.coin',
  data: { id },
})

/** A fresh worker on fresh prefixes per test: rate limits and retries must not leak between tests. */
const workers = useHarnessPerTest({ upstream: () => startSimulator() })
const sim = workers.upstream
const harness = (env: Record<string, string> = {}) => workers.start({ env })

describe.each([
  ['a JSON 429', false],
  ['an HTML (Cloudflare) 429', true],
])('after %s with Retry-After', (_name, html429) => {
  it('no replica calls the provider again before Retry-After, and no attempt is spent', async () => {
    const h = await harness()
    // A second replica on the same queue: the pause must hold across processes, not just in one.
    const replica = await startWorker(h.config, { logger: createLogger('silent') })
    await sim.faults({ forced429: 1, forced429RetryAfterS: 1, html429 })
    const first = await h.add(coinRequest('bitcoin'))
    await waitFor(async () => ((await sim.stats()).byStatus['429'] === 1 ? true : undefined), {
      what: 'the 429',
    })
    // Work arriving during the pause must wait too.
    const others = [await h.add(coinRequest('ethereum')), await h.add(coinRequest('solana'))]

    for (const job of [first, ...others]) {
      const done = await h.settled(job)
      expect(await done.getState()).toBe('completed')
    }
    const done = await h.settled(first)
    // Completion counts as the one attempt; the rate-limited run did not count.
    expect(done.attemptsMade).toBe(1)

    const [limited, ...rest] = sim.calls
    // After the pause the coins share calls (each replica batches what it sees), so two or three
    // calls serve the three jobs; none went out before Retry-After.
    expect(rest.length).toBeGreaterThanOrEqual(1)
    expect(rest.length).toBeLessThanOrEqual(3)
    for (const call of rest) expect(call.at - (limited?.at ?? 0)).toBeGreaterThanOrEqual(1000)
    for (const id of ['bitcoin', 'ethereum', 'solana']) {
      expect(await readEntry(h.redis, h.key(coin, { id }))).toMatchObject({ source: 'coingecko' })
    }
    await replica.close()
  })
})

describe('transient provider failures', () => {
  it('retries a 5xx with backoff until it succeeds', async () => {
    const h = await harness({ BACKOFF_BASE_MS: '100', BACKOFF_MAX_MS: '100' })
    await sim.faults({ errorRate: 1 })
    const job = await h.add(coinRequest('cardano'), 'update', { attempts: 6 })
    await waitFor(
      async () => (((await sim.stats()).byStatus['500'] ?? 0) >= 2 ? true : undefined),
      {
        what: 'two 500s',
      },
    )
    await sim.faults({ errorRate: 0 })

    const done = await h.settled(job)
    expect(await done.getState()).toBe('completed')
    const failures = (await sim.stats()).byStatus['500'] ?? 0
    expect(done.attemptsMade).toBe(failures + 1)
    expect(await readEntry(h.redis, h.key(coin, { id: 'cardano' }))).toMatchObject({
      source: 'coingecko',
    })
  })

  it('never caches a malformed body, and marks the previous entry after the last attempt', async () => {
    const h = await harness()
    const seed = await h.add(coinRequest('ethereum'))
    await h.settled(seed)
    const before = (await readEntry(h.redis, h.key(coin, { id: 'ethereum' }))) as Envelope

    await sim.faults({ malformedRate: 1, malformedKind: 'shape' })
    const refresh = await h.add(coinRequest('ethereum'), 'update', { attempts: 2 })
    const fresh = await h.add(coinRequest('litecoin'), 'update', { attempts: 2 })
    for (const job of [refresh, fresh]) {
      const done = await h.settled(job)
      expect(await done.getState()).toBe('failed')
      expect(done.attemptsMade).toBe(2)
    }

    const after = (await readEntry(h.redis, h.key(coin, { id: 'ethereum' }))) as Envelope
    expect(after.data).toBe(before.data)
    expect(after.etag).toBe(before.etag)
    expect(after.lastError).toMatch(/^PROVIDER_BAD_RESPONSE: /)
    expect(after.lastErrorAt).toBeGreaterThanOrEqual(before.fetchedAt)
    expect(await readEntry(h.redis, h.key(tokenomics, { id: 'ethereum' }))).toMatchObject({
      lastError: after.lastError,
    })
    expect(
      await h.redis.exists(h.key(coin, { id: 'litecoin' }), h.key(tokenomics, { id: 'litecoin' })),
    ).toBe(0)
  })
})

describe('unknown ids', () => {
  it('writes negative entries and fails at once, with no further calls', async () => {
    const h = await harness()
    const job = await h.add(coinRequest('no-such-coin'))
    const done = await h.settled(job)
    expect(await done.getState()).toBe('failed')
    expect(done.attemptsMade).toBe(1)
    expect(done.opts.attempts).toBeGreaterThan(1)

    for (const dataset of [coin, tokenomics]) {
      const key = h.key(dataset, { id: 'no-such-coin' })
      expect(await readEntry(h.redis, key)).toMatchObject({ notFound: true, source: 'coingecko' })
      const ttl = await h.redis.pttl(key)
      expect(ttl).toBeGreaterThan(0)
      expect(ttl).toBeLessThanOrEqual(h.config.freshness[dataset.name].negativeMs)
    }
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect((await sim.stats()).byEndpoint['/coins/{id}']).toBe(1)
  })
})

describe('permanent rejections', () => {
  const onFixtures = useHarnessPerTest({ upstream: () => startFixtureServer() })
  const fixtures = onFixtures.upstream

  it('fail without retrying and mark the entries the job fills', async () => {
    const h = await onFixtures.start()
    const seed = await h.add(coinRequest('bitcoin'))
    await h.settled(seed)
    fixtures.requests.length = 0

    fixtures.answerNext({ status: 401, file: 'missing-key.json' })
    const job = await h.add(coinRequest('bitcoin'), 'update')
    const done = await h.settled(job)
    expect(await done.getState()).toBe('failed')
    expect(done.attemptsMade).toBe(1)
    expect(fixtures.requests).toHaveLength(1)
    expect(await readEntry(h.redis, h.key(coin, { id: 'bitcoin' }))).toMatchObject({
      lastError: expect.stringMatching(/^PROVIDER_REJECTED: .*401.*API Key Missing/),
    })
  })
})
