import { instruments } from '@marketcache/shared/datasets/instruments'
import { spot } from '@marketcache/shared/datasets/spot'
import type { Envelope } from '@marketcache/shared/envelope'
import type { Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { describe, expect, it } from 'vitest'
import { readEntry } from '../support/entries'
import { useHarness } from '../support/harness'
import { startSimulator } from '../support/simulator'

const h = useHarness({ upstream: () => startSimulator(), queues: ['ibkr'] })
const sim = h.upstream

const spotKey = (symbol: string) => h.key(spot, { exchange: 'ibkr', symbol })
const spotRequest = (...symbols: string[]) =>
  ({ queue: 'ibkr', name: 'ibkr.spot', data: { symbols } }) as const

describe('ibkr.spot against the simulator', () => {
  it('writes spot from a search and one round of snapshots', async () => {
    const job = await h.run(spotRequest('AAPL'))
    expect(await job.getState()).toBe('completed')
    expect(job.returnvalue).toEqual({ written: [spotKey('AAPL')] })

    const entry = (await readEntry(h.redis, spotKey('AAPL'))) as Envelope
    const value = JSON.parse(entry.data) as Static<typeof spot.value>
    expect(Value.Check(spot.value, value)).toBe(true)
    expect(value).toMatchObject({ exchange: 'ibkr', symbol: 'AAPL' })
    expect(value.price).toBeGreaterThan(0)
    // asOf is the gateway's `_updated`.
    expect(entry.asOf).toBe(Date.parse(value.as_of))
    expect(entry.source).toBe('ibkr')

    const stats = await sim.stats()
    expect(stats.byEndpoint['/iserver/secdef/search']).toBe(1)
    // The pre-flight answer, then the one with values.
    expect(stats.byEndpoint['/iserver/marketdata/snapshot']).toBe(2)
  })

  it('takes the conid from the cached instruments entry, without a search', async () => {
    const qualified = await h.run({
      queue: 'ibkr',
      name: 'ibkr.instruments',
      data: { underlying: 'MSFT' },
    })
    expect(await qualified.getState()).toBe('completed')
    await sim.reset()

    const job = await h.run(spotRequest('MSFT'))
    expect(await job.getState()).toBe('completed')
    const stats = await sim.stats()
    expect(stats.byEndpoint['/iserver/secdef/search'] ?? 0).toBe(0)
    expect(stats.byEndpoint['/iserver/marketdata/snapshot']).toBeGreaterThanOrEqual(1)
    const cached = JSON.parse(
      (
        (await readEntry(
          h.redis,
          h.key(instruments, { exchange: 'ibkr', underlying: 'MSFT' }),
        )) as Envelope
      ).data,
    ) as { underlying_id: string }
    expect(cached.underlying_id).toMatch(/^\d+$/)
  })

  it('fills nine stocks with one round of snapshots: a search each, one pre-flight, one quote', async () => {
    const symbols = ['AAPL', 'GOOGL', 'MSFT', 'AMZN', 'NVDA', 'META', 'TSLA', 'SPY', 'QQQ']
    // No qualification cached (an earlier test qualified MSFT): every conid comes from a search.
    await h.redis.del(
      ...symbols.map((underlying) => h.key(instruments, { exchange: 'ibkr', underlying })),
    )
    const job = await h.run(spotRequest(...symbols))
    expect(await job.getState()).toBe('completed')
    expect(job.returnvalue).toEqual({ written: symbols.map(spotKey) })

    const stats = await sim.stats()
    expect(stats.byEndpoint['/iserver/secdef/search']).toBe(symbols.length)
    expect(stats.byEndpoint['/iserver/marketdata/snapshot']).toBe(2)
    const asked = sim.calls.filter((call) => call.path.includes('/marketdata/snapshot'))
    for (const call of asked) {
      const conids = new URL(call.path, 'http://sim').searchParams.get('conids')?.split(',')
      expect(conids).toHaveLength(symbols.length)
    }
    for (const symbol of symbols) {
      const value = JSON.parse(((await readEntry(h.redis, spotKey(symbol))) as Envelope).data)
      expect(value).toMatchObject({ exchange: 'ibkr', symbol })
      expect(value.price).toBeGreaterThan(0)
    }
  })

  it('writes a negative entry for an unknown symbol and the spot of the known one', async () => {
    const job = await h.run(spotRequest('TSLA', 'ZZZZ'))
    expect(await job.getState()).toBe('completed')
    expect(job.returnvalue).toEqual({ written: [spotKey('TSLA'), spotKey('ZZZZ')] })
    expect(await readEntry(h.redis, spotKey('ZZZZ'))).toMatchObject({ notFound: true })
    expect(await readEntry(h.redis, spotKey('TSLA'))).toMatchObject({ source: 'ibkr' })
  })

  it('fails a job for one unknown symbol at once, behind a negative entry', async () => {
    const job = await h.run(spotRequest('QQQQ'))
    expect(await job.getState()).toBe('failed')
    expect(job.attemptsMade).toBe(1)
    expect(job.failedReason).toMatch(/QQQQ/)
    expect(await readEntry(h.redis, spotKey('QQQQ'))).toMatchObject({ notFound: true })
    expect((await sim.stats()).byEndpoint['/iserver/secdef/search']).toBe(1)
  })
})
