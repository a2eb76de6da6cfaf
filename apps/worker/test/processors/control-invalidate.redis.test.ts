import { cacheKey } from '@marketcache/shared/dataset'
import { collar } from '@marketcache/shared/datasets/collar'
import { optionChain } from '@marketcache/shared/datasets/option-chain'
import { spot } from '@marketcache/shared/datasets/spot'
import type { Envelope } from '@marketcache/shared/envelope'
import type { JobRequest } from '@marketcache/shared/jobs'
import { beforeEach, describe, expect, it } from 'vitest'
import { EnvelopeWriter } from '../../src/envelope-writer'
import { readEntry } from '../support/entries'
import { useHarness } from '../support/harness'

const h = useHarness({ queues: ['control'] })

function envelope(asOf: number, data = '{}'): Envelope {
  const now = Date.now()
  return {
    data,
    asOf,
    fetchedAt: now,
    freshUntil: now + 60_000,
    staleUntil: now + 120_000,
    errorUntil: now + 600_000,
    etag: `"${asOf.toString(16).padStart(16, '0')}"`,
    source: 'bybit',
    schema: 1,
  }
}

const spotKey = (symbol: string) => cacheKey(h.keys, spot, { exchange: 'bybit', symbol })
const chainKey = (underlying: string) =>
  cacheKey(h.keys, optionChain, { exchange: 'bybit', underlying })
const collarKey = (underlying: string) =>
  cacheKey(h.keys, collar, { exchange: 'bybit', underlying })
const SEEDED = () => [
  spotKey('BTCUSDT'),
  spotKey('ETHUSDT'),
  chainKey('BTC'),
  chainKey('ETH'),
  collarKey('BTC'),
  collarKey('ETH'),
]

const invalidate = (mode: 'delete' | 'expire', target: object) =>
  h.run({
    queue: 'control',
    name: 'control.invalidate',
    data: { mode, target, at: Date.now() },
  } as JobRequest)

const writer = () => new EnvelopeWriter(h.redis, h.keys)
const entry = async (key: string) => (await readEntry(h.redis, key)) as Envelope | null

beforeEach(async () => {
  await writer().write(SEEDED().map((key) => ({ key, envelope: envelope(1000) })))
})

describe('control.invalidate', () => {
  it('deletes one entry by params, and expires the collar built on it', async () => {
    const done = await invalidate('delete', {
      dataset: 'option-chain',
      params: { exchange: 'bybit', underlying: 'btc' },
    })
    expect(done.returnvalue).toEqual({ written: [], mode: 'delete', touched: 1, derived: 1 })
    expect(await entry(chainKey('BTC'))).toBeNull()
    expect((await entry(collarKey('BTC')))?.freshUntil).toBeLessThanOrEqual(Date.now())
    expect((await entry(chainKey('ETH')))?.freshUntil).toBeGreaterThan(Date.now())
  })

  it('soft-expires by match: entries stay, their fresh window ends now', async () => {
    const before = Date.now()
    const done = await invalidate('expire', { dataset: 'collar', match: { underlying: 'BTC' } })
    expect(done.returnvalue).toMatchObject({ mode: 'expire', touched: 1, derived: 0 })
    const btc = await entry(collarKey('BTC'))
    expect(btc?.data).toBe('{}')
    expect(btc?.freshUntil).toBeGreaterThanOrEqual(before)
    expect(btc?.freshUntil).toBeLessThanOrEqual(Date.now())
    expect((await entry(collarKey('ETH')))?.freshUntil).toBeGreaterThan(Date.now())
  })

  it('deletes a whole dataset, and everything with all', async () => {
    const dataset = await invalidate('delete', { dataset: 'spot' })
    expect(dataset.returnvalue).toMatchObject({ touched: 2, derived: 0 })
    expect(await entry(spotKey('BTCUSDT'))).toBeNull()
    expect(await entry(chainKey('BTC'))).not.toBeNull()

    const all = await invalidate('delete', { all: true })
    expect(all.returnvalue).toMatchObject({ touched: 4 })
    for (const key of SEEDED()) expect(await entry(key)).toBeNull()
    // Counters and other keys of the prefix are not cache entries and stay.
  })

  it('keeps the CAS: an older write in flight does not land over a deleted entry', async () => {
    await invalidate('delete', {
      dataset: 'spot',
      params: { exchange: 'bybit', symbol: 'BTCUSDT' },
    })
    const [older] = await writer().write({ key: spotKey('BTCUSDT'), envelope: envelope(500) })
    expect(older?.written).toBe(false)
    expect(await entry(spotKey('BTCUSDT'))).toBeNull()
    const [newer] = await writer().write({ key: spotKey('BTCUSDT'), envelope: envelope(2000) })
    expect(newer?.written).toBe(true)
  })

  it('touches nothing for a match that names nothing cached', async () => {
    const done = await invalidate('delete', { dataset: 'collar', match: { underlying: 'SOL' } })
    expect(done.returnvalue).toMatchObject({ touched: 0, derived: 0 })
    for (const key of SEEDED()) expect(await entry(key)).not.toBeNull()
  })
})
