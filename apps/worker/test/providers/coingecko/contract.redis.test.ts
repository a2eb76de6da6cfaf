import { coin } from '@marketcache/shared/datasets/coin'
import { ohlcv } from '@marketcache/shared/datasets/ohlcv'
import { tokenomics } from '@marketcache/shared/datasets/tokenomics'
import { Keys } from '@marketcache/shared/keys'
import { afterAll } from 'vitest'
import { loadConfig } from '../../../src/config'
import { createLogger } from '../../../src/logger'
import { ProviderCallCounter } from '../../../src/provider-calls'
import { CoinGeckoAdapter } from '../../../src/providers/coingecko/adapter'
import { CoinGeckoClient } from '../../../src/providers/coingecko/client'
import type { OhlcInterval } from '../../../src/providers/coingecko/ohlc'
import { testRedis } from '../../support/config'
import { startFixtureServer } from '../../support/fixture-server'
import { startSimulator } from '../../support/simulator'
import { type ContractCase, type ContractSubject, providerContract } from '../provider-contract'

const t = testRedis()
afterAll(() => t.cleanup())

/** A CoinGecko upstream, and how to make it misbehave once. */
interface Upstream {
  baseUrl: string
  provokeRateLimit(): Promise<void>
  provokeOutage(): Promise<void>
  /** Back to normal after a probe. */
  settle(): Promise<void>
  close(): Promise<void>
  /** Intervals it has candles for. */
  intervals: OhlcInterval[]
}

const UNKNOWN = 'no-such-coin-anywhere'

function subjectOf(upstream: Upstream): ContractSubject {
  const config = loadConfig({ COINGECKO_BASE_URL: upstream.baseUrl, COINGECKO_TIMEOUT_MS: '2000' })
  const logger = createLogger('silent')
  const counter = new ProviderCallCounter(t.redis, new Keys(t.keyPrefix), logger)
  const clients: CoinGeckoClient[] = []
  const newAdapter = () => {
    const client = new CoinGeckoClient(config.coingecko, { counter, logger })
    clients.push(client)
    return new CoinGeckoAdapter(client)
  }
  const adapter = newAdapter()

  const cases: ContractCase[] = [
    {
      dataset: coin,
      known: { id: 'bitcoin' },
      unknown: { id: UNKNOWN },
      fetch: async (params) => (await adapter.coin(params.id)).coin,
    } satisfies ContractCase<typeof coin>,
    {
      dataset: tokenomics,
      known: { id: 'bitcoin' },
      unknown: { id: UNKNOWN },
      fetch: async (params) => (await adapter.coin(params.id)).tokenomics,
    } satisfies ContractCase<typeof tokenomics>,
    // The batch call fills the same dataset; it leaves unknown ids out instead of failing.
    {
      dataset: coin,
      known: { id: 'ethereum' },
      fetch: async (params) => {
        const { records } = await adapter.markets({ ids: [params.id] })
        const record = records.find((r) => r.id === params.id)
        if (!record) throw new Error(`${params.id} missing from /coins/markets`)
        return record.coin
      },
    } satisfies ContractCase<typeof coin>,
    ...upstream.intervals.map(
      (interval) =>
        ({
          dataset: ohlcv,
          known: { exchange: 'coingecko', symbol: 'bitcoin', interval },
          unknown: { exchange: 'coingecko', symbol: UNKNOWN, interval },
          fetch: async (params) =>
            (await adapter.ohlc(params.symbol, params.interval as OhlcInterval)).value,
        }) satisfies ContractCase<typeof ohlcv>,
    ),
  ]

  return {
    cases,
    provokeRateLimit: () => upstream.provokeRateLimit(),
    provokeOutage: () => upstream.provokeOutage(),
    // A client that met a 429 holds back every call until Retry-After: probe on a fresh one, so
    // each probe shows what the upstream answered.
    probe: async () => {
      try {
        return await newAdapter().coin('bitcoin')
      } finally {
        await upstream.settle()
      }
    },
    close: async () => {
      await Promise.all(clients.map((client) => client.close()))
      await upstream.close()
    },
  }
}

providerContract('coingecko (simulator)', async () => {
  const sim = await startSimulator()
  return subjectOf({
    baseUrl: sim.baseUrl,
    provokeRateLimit: () => sim.faults({ forced429: 1, forced429RetryAfterS: 1 }),
    provokeOutage: () => sim.faults({ errorRate: 1 }),
    settle: () => sim.reset(),
    close: () => sim.close(),
    intervals: ['30m', '4h'],
  })
})

providerContract('coingecko (recorded fixtures)', async () => {
  const server = await startFixtureServer()
  return subjectOf({
    baseUrl: server.baseUrl,
    provokeRateLimit: async () => server.answerNext({ status: 429, file: 'rate-limit.json' }),
    provokeOutage: async () => server.answerNext({ status: 500, file: 'server-error.json' }),
    settle: async () => {},
    close: () => server.close(),
    // Recorded with days=1: 30-minute candles only.
    intervals: ['30m'],
  })
})
