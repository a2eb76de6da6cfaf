import { deletePrefix, testPrefix } from '@marketcache/devkit/redis'
import { coin } from '@marketcache/shared/datasets/coin'
import { tokenomics } from '@marketcache/shared/datasets/tokenomics'
import { Keys } from '@marketcache/shared/keys'
import { Value } from '@sinclair/typebox/value'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/config'
import { createLogger } from '../../../src/logger'
import { ProviderCallCounter } from '../../../src/provider-calls'
import { CoinGeckoAdapter } from '../../../src/providers/coingecko/adapter'
import { CoinGeckoClient } from '../../../src/providers/coingecko/client'
import type { CoinRecord } from '../../../src/providers/coingecko/mapping'
import { testRedis } from '../../support/config'
import { startFixtureServer } from '../../support/fixture-server'
import { startSimulator } from '../../support/simulator'
import { waitFor } from '../../support/wait'

/**
 * What CoinGecko's own shapes must give beyond the shared provider contract (contract.redis.test):
 * the mapping of known coins, market-cap order, batch filtering, candle layout and call counting.
 * Run against the simulator and the recorded fixtures alike.
 */
const t = testRedis()
afterAll(() => t.cleanup())

function expectValid(record: CoinRecord) {
  expect(Value.Check(coin.value, record.coin)).toBe(true)
  expect(Value.Check(tokenomics.value, record.tokenomics)).toBe(true)
  expect(Number.isFinite(record.asOf)).toBe(true)
  expect(record.coin.id).toBe(record.id)
  expect(record.tokenomics.id).toBe(record.id)
}

const upstreams = [
  ['the simulator', () => startSimulator()],
  ['the recorded fixtures', () => startFixtureServer()],
] as const

describe.each(upstreams)('CoinGecko adapter against %s', (_name, start) => {
  let upstream: { baseUrl: string; close(): Promise<void> }
  let client: CoinGeckoClient
  let adapter: CoinGeckoAdapter
  // Each upstream counts into its own hash.
  const keys = new Keys(testPrefix('mc'))

  beforeAll(async () => {
    upstream = await start()
    const config = loadConfig({
      COINGECKO_BASE_URL: upstream.baseUrl,
      COINGECKO_TIMEOUT_MS: '2000',
    })
    const logger = createLogger('silent')
    client = new CoinGeckoClient(config.coingecko, {
      counter: new ProviderCallCounter(t.redis, keys, logger),
      logger,
    })
    adapter = new CoinGeckoAdapter(client)
  })

  afterAll(async () => {
    await client.close()
    await upstream.close()
    await deletePrefix(t.redis, keys.prefix)
  })

  it('maps /coins/{id} into valid coin and tokenomics values', async () => {
    const record = await adapter.coin('bitcoin')
    expectValid(record)
    expect(record.id).toBe('bitcoin')
    expect(record.coin).toMatchObject({ symbol: 'btc', currency: 'usd', market_cap_rank: 1 })
    expect(record.coin.price).toBeGreaterThan(0)
    expect(record.tokenomics).toMatchObject({
      max_supply: 21_000_000,
      max_supply_infinite: false,
    })
  })

  it('returns the top N of /coins/markets in market-cap order', async () => {
    const { records } = await adapter.markets({ top: 3 })
    expect(records.length).toBe(3)
    for (const record of records) expectValid(record)
    expect(records.map((r) => r.coin.market_cap_rank)).toEqual([1, 2, 3])
  })

  it('returns only the listed ids that exist', async () => {
    const { records, skipped } = await adapter.markets({
      ids: ['bitcoin', 'no-such-coin-anywhere'],
    })
    expect(records.map((r) => r.id)).toEqual(['bitcoin'])
    expect(skipped).toEqual([])
  })

  it('returns 30-minute candles, one interval apart, opening before the last close', async () => {
    const { value, asOf } = await adapter.ohlc('bitcoin', '30m')
    expect(value).toMatchObject({ exchange: 'coingecko', symbol: 'bitcoin', interval: '30m' })
    expect(value.candles.length).toBeGreaterThan(1)
    const times = value.candles.map((candle) => candle.t)
    const steps = times.slice(1).map((time, i) => time - (times[i] as number))
    expect(steps.every((step) => step > 0)).toBe(true)
    expect(steps.filter((step) => step === 1_800_000).length).toBeGreaterThan(steps.length / 2)
    expect(value.candles.every((candle) => candle.v === null && candle.l <= candle.h)).toBe(true)
    expect(asOf).toBe((times.at(-1) as number) + 1_800_000)
  })

  it('counts every provider call by endpoint template, failures included', async () => {
    await adapter.coin('no-such-coin-anywhere').catch(() => undefined)
    const counts = await waitFor(
      async () => {
        const hash = await t.redis.hgetall(keys.providerCalls())
        return Number(hash['coingecko./coins/{id}']) >= 2 ? hash : undefined
      },
      { what: 'provider call counters' },
    )
    expect(counts).toEqual({
      'coingecko./coins/{id}': '2',
      'coingecko./coins/markets': '2',
      'coingecko./coins/{id}/ohlc': '1',
    })
  })
})
