import { instruments } from '@marketcache/shared/datasets/instruments'
import { type OptionChain, optionChain } from '@marketcache/shared/datasets/option-chain'
import type { Envelope } from '@marketcache/shared/envelope'
import { describe, expect, it } from 'vitest'
import type { Instruments } from '../../src/providers/bybit/adapter'
import { bybitEnvelope, startBybitFixtures } from '../providers/bybit/fixtures'
import { readEntry, readValue } from '../support/entries'
import { useHarness } from '../support/harness'

const h = useHarness({ upstream: startBybitFixtures, queues: ['bybit'] })
const fixtures = h.upstream

const BTC = { exchange: 'bybit', underlying: 'BTC' } as const
const TIME = bybitEnvelope('tickers-option-btc.json').time
const listed = bybitEnvelope('instruments-option-btc.json').result.list

const endpoints = () => fixtures.calls.map((call) => call.path.split('?')[0])
const value = <T>(key: string) => readValue<T>(h.redis, key)

describe('bybit.option-chain', () => {
  it('without cached instruments, fetches them, writes both keys, with one tickers call', async () => {
    const job = await h.add({
      queue: 'bybit',
      name: 'bybit.option-chain',
      data: { underlying: 'BTC' },
    })
    const done = await h.settled(job)
    expect(await done.getState()).toBe('completed')
    expect(done.returnvalue).toEqual({
      written: [h.key(instruments, BTC), h.key(optionChain, BTC)],
    })
    expect(endpoints()).toEqual(['/v5/market/instruments-info', '/v5/market/tickers'])

    const chain = await value<OptionChain>(h.key(optionChain, BTC))
    expect(chain).toMatchObject({
      exchange: 'bybit',
      underlying: 'BTC',
      underlying_price: 97_250.42,
    })
    expect(chain.expiries.map((e) => e.expiry)).toEqual([
      '2024-12-21T08:00:00.000Z',
      '2024-12-27T08:00:00.000Z',
      '2025-02-13T08:00:00.000Z',
    ])
    const placed = chain.expiries.flatMap((e) => e.strikes.flatMap((s) => [s.call, s.put]))
    expect(placed).toHaveLength(listed.length)
    const entry = (await readEntry(h.redis, h.key(optionChain, BTC))) as Envelope
    expect(entry).toMatchObject({ asOf: TIME, source: 'bybit' })

    const cached = await value<Instruments>(h.key(instruments, BTC))
    expect(cached.contracts).toHaveLength(listed.length)
  })

  it('reuses fresh cached instruments: the job makes exactly one call, to tickers', async () => {
    const job = await h.add({
      queue: 'bybit',
      name: 'bybit.option-chain',
      data: { underlying: 'BTC' },
    })
    const done = await h.settled(job)
    expect(await done.getState()).toBe('completed')
    expect(done.returnvalue).toEqual({ written: [h.key(optionChain, BTC)] })
    expect(endpoints()).toEqual(['/v5/market/tickers'])
  })

  it('refreshes cached instruments that miss contracts the tickers quote', async () => {
    const partial = bybitEnvelope('instruments-option-btc.json')
    partial.result.list = partial.result.list.slice(0, 10)
    fixtures.failNext({ status: 200, body: JSON.stringify(partial) })
    const seed = await h.add({
      queue: 'bybit',
      name: 'bybit.instruments',
      data: { underlying: 'BTC' },
    })
    await h.settled(seed)
    expect((await value<Instruments>(h.key(instruments, BTC))).contracts).toHaveLength(10)
    fixtures.calls.length = 0

    const job = await h.add({
      queue: 'bybit',
      name: 'bybit.option-chain',
      data: { underlying: 'BTC' },
    })
    const done = await h.settled(job)
    expect(await done.getState()).toBe('completed')
    expect(endpoints()).toEqual(['/v5/market/tickers', '/v5/market/instruments-info'])
    expect((await value<Instruments>(h.key(instruments, BTC))).contracts).toHaveLength(
      listed.length,
    )
    const chain = await value<OptionChain>(h.key(optionChain, BTC))
    expect(chain.expiries.flatMap((e) => e.strikes)).toHaveLength(listed.length / 2)
  })

  it('writes a negative entry for an underlying Bybit does not list, and does not retry', async () => {
    const nope = { exchange: 'bybit', underlying: 'NOPE' } as const
    const job = await h.add({
      queue: 'bybit',
      name: 'bybit.option-chain',
      data: { underlying: 'NOPE' },
    })
    const done = await h.settled(job)
    expect(await done.getState()).toBe('failed')
    expect(done.attemptsMade).toBe(1)
    expect(done.opts.attempts).toBeGreaterThan(1)
    expect(await readEntry(h.redis, h.key(optionChain, nope))).toMatchObject({
      notFound: true,
      source: 'bybit',
    })
    const ttl = await h.redis.pttl(h.key(optionChain, nope))
    expect(ttl).toBeGreaterThan(0)
    expect(ttl).toBeLessThanOrEqual(h.config.freshness['option-chain'].negativeMs)
    expect(endpoints()).toEqual(['/v5/market/instruments-info'])
  })
})
