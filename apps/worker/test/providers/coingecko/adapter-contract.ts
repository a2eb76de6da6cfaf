import { deletePrefix, testPrefix } from '@marketcache/devkit/redis'
import { coin } from '@marketcache/shared/datasets/coin'
import { tokenomics } from '@marketcache/shared/datasets/tokenomics'
import { Keys } from '@marketcache/shared/keys'
import { Value } from '@sinclair/typebox/value'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/config'
import { ProviderNotFoundError } from '../../../src/errors'
import { createLogger } from '../../../src/logger'
import { ProviderCallCounter } from '../../../src/provider-calls'
import { CoinGeckoAdapter } from '../../../src/providers/coingecko/adapter'
import { CoinGeckoClient } from '../../../src/providers/coingecko/client'
import type { CoinRecord } from '../../../src/providers/coingecko/mapping'
import { waitFor } from '../../support/wait'

export interface ContractUpstream {
  baseUrl: string
  close(): Promise<void>
}

function expectValid(record: CoinRecord) {
  expect(Value.Check(coin.value, record.coin)).toBe(true)
  expect(Value.Check(tokenomics.value, record.tokenomics)).toBe(true)
  expect(Number.isFinite(record.asOf)).toBe(true)
  expect(record.coin.id).toBe(record.id)
  expect(record.tokenomics.id).toBe(record.id)
}

/**
 * What every CoinGecko upstream must give the adapter, run against the simulator and against the
 * recorded-shape fixtures: if both pass, the simulator is a faithful stand-in for the adapter.
 */
export function coingeckoAdapterContract(
  name: string,
  start: () => Promise<ContractUpstream>,
  redis: () => Redis,
) {
  describe(`CoinGecko adapter contract: ${name}`, () => {
    let upstream: ContractUpstream
    let client: CoinGeckoClient
    let adapter: CoinGeckoAdapter
    let keys: Keys

    beforeAll(async () => {
      upstream = await start()
      keys = new Keys(testPrefix('mc'))
      const config = loadConfig({
        COINGECKO_BASE_URL: upstream.baseUrl,
        COINGECKO_TIMEOUT_MS: '2000',
      })
      const logger = createLogger('silent')
      client = new CoinGeckoClient(config.coingecko, {
        counter: new ProviderCallCounter(redis(), keys, logger),
        logger,
      })
      adapter = new CoinGeckoAdapter(client)
    })

    afterAll(async () => {
      await client.close()
      await upstream.close()
      await deletePrefix(redis(), keys.prefix)
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

    it('reports an unknown id as not found', async () => {
      await expect(adapter.coin('no-such-coin-anywhere')).rejects.toBeInstanceOf(
        ProviderNotFoundError,
      )
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

    it('counts every provider call by endpoint template', async () => {
      const counts = await waitFor(
        async () => {
          const hash = await redis().hgetall(keys.providerCalls())
          return Number(hash['coingecko./coins/markets']) >= 2 ? hash : undefined
        },
        { what: 'provider call counters' },
      )
      expect(counts).toEqual({ 'coingecko./coins/{id}': '2', 'coingecko./coins/markets': '2' })
    })
  })
}
