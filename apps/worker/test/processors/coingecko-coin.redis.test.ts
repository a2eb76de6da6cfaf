import { coin } from '@marketcache/shared/datasets/coin'
import { tokenomics } from '@marketcache/shared/datasets/tokenomics'
import { decodeWrittenEvent, type Envelope, type WrittenEvent } from '@marketcache/shared/envelope'
import { Value } from '@sinclair/typebox/value'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { etagOf } from '../../src/envelope-builder'
import { readEntry } from '../support/entries'
import { useHarness } from '../support/harness'
import { startSimulator } from '../support/simulator'
import { waitFor } from '../support/wait'

// A short fresh window proves the per-dataset override reaches the envelopes.
const h = useHarness({ upstream: () => startSimulator(), env: { COIN_FRESH_S: '30' } })
let subscriber: Redis
const events: WrittenEvent[] = []

beforeAll(async () => {
  subscriber = h.redis.duplicate()
  await subscriber.subscribe(h.keys.writtenChannel())
  subscriber.on('message', (_channel, message) => {
    const event = decodeWrittenEvent(message)
    if (event) events.push(event)
  })
})

afterAll(() => subscriber.quit())

describe('coingecko.coin', () => {
  it('writes coin and tokenomics from one /coins/{id} call and announces both', async () => {
    const job = await h.add({ queue: 'coingecko', name: 'coingecko.coin', data: { id: 'bitcoin' } })
    const done = await h.settled(job)
    expect(await done.getState()).toBe('completed')

    const coinKey = h.key(coin, { id: 'bitcoin' })
    const tokenomicsKey = h.key(tokenomics, { id: 'bitcoin' })
    // The documented layout, from the key builder's own parts: prefix, version, dataset, id.
    expect(coinKey).toBe(h.keys.cache('coin', 1, ['bitcoin']))
    expect(done.returnvalue).toEqual({ written: [coinKey, tokenomicsKey] })

    const stats = await h.upstream.stats()
    expect(stats.byEndpoint['/coins/{id}']).toBe(1)
    expect(stats.total).toBe(1)

    const coinEntry = (await readEntry(h.redis, coinKey)) as Envelope
    const value = JSON.parse(coinEntry.data) as { last_updated: string; id: string }
    expect(Value.Check(coin.value, value)).toBe(true)
    expect(value.id).toBe('bitcoin')
    expect(coinEntry).toMatchObject({
      asOf: Date.parse(value.last_updated),
      source: 'coingecko',
      schema: coin.schemaVersion,
      etag: etagOf(coinEntry.data),
    })
    const freshMs = coinEntry.freshUntil - coinEntry.fetchedAt
    expect(freshMs).toBeGreaterThanOrEqual(30_000 * 0.95)
    expect(freshMs).toBeLessThanOrEqual(30_000)
    expect(coinEntry.staleUntil - coinEntry.freshUntil).toBe(h.config.freshness.coin.staleMs)
    expect(coinEntry.errorUntil - coinEntry.freshUntil).toBe(h.config.freshness.coin.errorMs)
    expect(await h.redis.pexpiretime(coinKey)).toBe(coinEntry.errorUntil)

    const tokenomicsEntry = (await readEntry(h.redis, tokenomicsKey)) as Envelope
    expect(Value.Check(tokenomics.value, JSON.parse(tokenomicsEntry.data))).toBe(true)
    expect(JSON.parse(tokenomicsEntry.data)).toMatchObject({
      id: 'bitcoin',
      max_supply: 21_000_000,
    })
    expect(tokenomicsEntry.asOf).toBe(coinEntry.asOf)
    expect(tokenomicsEntry.schema).toBe(tokenomics.schemaVersion)
    expect(tokenomicsEntry.freshUntil - tokenomicsEntry.fetchedAt).toBeGreaterThan(500_000)

    await waitFor(() => (events.length >= 2 ? true : undefined), { what: 'two written events' })
    expect(events).toEqual(
      expect.arrayContaining([
        { key: coinKey, etag: coinEntry.etag },
        { key: tokenomicsKey, etag: tokenomicsEntry.etag },
      ]),
    )

    const calls = await h.redis.hgetall(h.keys.providerCalls())
    expect(calls).toEqual({ 'coingecko./coins/{id}': '1' })
  })
})
