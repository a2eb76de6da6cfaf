import { instruments } from '@marketcache/shared/datasets/instruments'
import { type OptionChain, optionChain } from '@marketcache/shared/datasets/option-chain'
import { spot } from '@marketcache/shared/datasets/spot'
import type { Envelope } from '@marketcache/shared/envelope'
import { Value } from '@sinclair/typebox/value'
import { describe, expect, it } from 'vitest'
import type { Instruments } from '../../src/providers/bybit/adapter'
import { readEntry } from '../support/entries'
import { useHarnessPerTest } from '../support/harness'
import { startSimulator } from '../support/simulator'
import { waitFor } from '../support/wait'

const workers = useHarnessPerTest({ upstream: () => startSimulator(), queues: ['bybit'] })
const sim = workers.upstream
const harness = (env: Record<string, string> = {}) => workers.start({ env })

const BTC = { exchange: 'bybit', underlying: 'BTC' } as const
const bybitCalls = async () => (await sim.stats()).byProvider.bybit

describe('the bybit queue against the simulator', () => {
  it('one bybit.option-chain job: exactly one tickers call, chain and instruments written', async () => {
    const h = await harness()
    const job = await h.add({
      queue: 'bybit',
      name: 'bybit.option-chain',
      data: { underlying: 'BTC' },
    })
    const done = await h.settled(job)
    expect(await done.getState()).toBe('completed')
    const stats = await sim.stats()
    expect(stats.byEndpoint['/v5/market/tickers']).toBe(1)
    expect(stats.byEndpoint['/v5/market/instruments-info']).toBe(1)

    const entry = (await readEntry(h.redis, h.key(optionChain, BTC))) as Envelope
    expect(entry).toMatchObject({ source: 'bybit' })
    const chain = JSON.parse(entry.data) as OptionChain
    expect(Value.Check(optionChain.value, chain)).toBe(true)
    expect(Date.parse(chain.as_of)).toBe(entry.asOf)
    const listed = JSON.parse(
      ((await readEntry(h.redis, h.key(instruments, BTC))) as Envelope).data,
    ) as Instruments
    const placed = chain.expiries.flatMap((e) => e.strikes.flatMap((s) => [s.call, s.put]))
    expect(placed.filter((q) => q !== null)).toHaveLength(
      listed.contracts.filter((c) => Date.parse(c.expiry) > entry.asOf).length,
    )

    // The next refresh of the chain reuses the cached instruments.
    const again = await h.add({
      queue: 'bybit',
      name: 'bybit.option-chain',
      data: { underlying: 'BTC' },
    })
    expect(await (await h.settled(again)).getState()).toBe('completed')
    const after = await sim.stats()
    expect(after.byEndpoint['/v5/market/tickers']).toBe(2)
    expect(after.byEndpoint['/v5/market/instruments-info']).toBe(1)
  })

  it('after a 403 ban, the queue sends nothing until the ban pause has elapsed', async () => {
    const h = await harness({ BYBIT_BAN_PAUSE_MS: '2000' })
    await sim.faults({ bybit: { forceBan: true, banMs: 1000 } })
    const first = await h.add({
      queue: 'bybit',
      name: 'bybit.spot',
      data: { symbols: ['BTCUSDT'] },
    })
    await waitFor(async () => ((await sim.stats()).byStatus['403'] === 1 ? true : undefined), {
      what: 'the 403',
    })
    const second = await h.add({
      queue: 'bybit',
      name: 'bybit.spot',
      data: { symbols: ['ETHUSDT'] },
    })
    await new Promise((resolve) => setTimeout(resolve, 1500))
    expect(await bybitCalls()).toBe(1)

    for (const job of [first, second]) {
      const done = await h.settled(job)
      expect(await done.getState()).toBe('completed')
      expect(done.attemptsMade).toBe(1)
    }
    // After the ban: the retried BTCUSDT job takes ETHUSDT, waiting behind it, into its call.
    expect(await bybitCalls()).toBe(2)
    for (const symbol of ['BTCUSDT', 'ETHUSDT']) {
      expect(await readEntry(h.redis, h.key(spot, { exchange: 'bybit', symbol }))).toMatchObject({
        source: 'bybit',
      })
    }
  })
})
