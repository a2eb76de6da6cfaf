import { instruments } from '@marketcache/shared/datasets/instruments'
import { type QuoteValue, quote } from '@marketcache/shared/datasets/quote'
import type { Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { describe, expect, it } from 'vitest'
import { readEntry, readEnvelope, readValue } from '../support/entries'
import { useHarness } from '../support/harness'
import { startSimulator } from '../support/simulator'

const h = useHarness({ upstream: () => startSimulator(), queues: ['ibkr'] })
const sim = h.upstream

type Quote = Static<typeof QuoteValue>
const AAPL = '265598'
const quoteKey = (conid: string) => h.key(quote, { exchange: 'ibkr', conid })
const quoteRequest = (...conids: string[]) =>
  ({ queue: 'ibkr', name: 'ibkr.quote', data: { conids } }) as const
const snapshots = async () => (await sim.stats()).byEndpoint['/iserver/marketdata/snapshot'] ?? 0

/** An AAPL option's conid, from a qualification of its contracts (then the stats are reset). */
async function optionConid(): Promise<string> {
  await h.run({ queue: 'ibkr', name: 'ibkr.instruments', data: { underlying: 'AAPL' } })
  const key = h.key(instruments, { exchange: 'ibkr', underlying: 'AAPL' })
  const { contracts } = await readValue<{ contracts: { symbol: string }[] }>(h.redis, key)
  await sim.reset()
  return contracts[0]?.symbol as string
}

describe('ibkr.quote against the simulator', () => {
  it('quotes a stock and an option by conid with one round of snapshots', async () => {
    const option = await optionConid()
    const job = await h.run(quoteRequest(AAPL, option))
    expect(await job.getState()).toBe('completed')
    expect(job.returnvalue).toEqual({ written: [quoteKey(AAPL), quoteKey(option)] })
    // The pre-flight, then one call with values for both; no secdef call.
    expect(await snapshots()).toBe(2)
    expect((await sim.stats()).byEndpoint['/iserver/secdef/search'] ?? 0).toBe(0)

    const stock = await readValue<Quote>(h.redis, quoteKey(AAPL))
    expect(Value.Check(quote.value, stock)).toBe(true)
    expect(stock).toMatchObject({ conid: AAPL, symbol: 'AAPL', sec_type: 'STK', delta: null })
    expect(stock.price).toBeGreaterThan(100)
    const entry = await readEnvelope(h.redis, quoteKey(AAPL))
    expect(entry.asOf).toBe(Date.parse(stock.as_of))
    expect(entry.source).toBe('ibkr')

    const call = await readValue<Quote>(h.redis, quoteKey(option))
    expect(Value.Check(quote.value, call)).toBe(true)
    expect(call).toMatchObject({ symbol: 'AAPL', sec_type: 'OPT', underlying_conid: AAPL })
    expect(call.implied_vol).toBeGreaterThan(0)
    expect(call.open_interest).toBeGreaterThanOrEqual(0)
    expect(Math.abs(call.delta ?? 2)).toBeLessThanOrEqual(1)
  })

  it('fails a job for one unknown conid at once, behind a negative entry', async () => {
    const job = await h.run(quoteRequest('123456789'))
    expect(await job.getState()).toBe('failed')
    expect(job.attemptsMade).toBe(1)
    expect(job.failedReason).toMatch(/no contract has conid 123456789/)
    expect(await readEntry(h.redis, quoteKey('123456789'))).toMatchObject({ notFound: true })
    // The pre-flight and the retries of the one round, nothing more.
    expect(await snapshots()).toBe(3)
  })

  it('writes a negative entry for an unknown conid beside the quote of a known one', async () => {
    const job = await h.run(quoteRequest(AAPL, '123456789'))
    expect(await job.getState()).toBe('completed')
    expect(job.returnvalue).toEqual({ written: [quoteKey(AAPL), quoteKey('123456789')] })
    expect(await readEntry(h.redis, quoteKey('123456789'))).toMatchObject({ notFound: true })
    expect(await readEntry(h.redis, quoteKey(AAPL))).toMatchObject({ source: 'ibkr' })
  })
})
