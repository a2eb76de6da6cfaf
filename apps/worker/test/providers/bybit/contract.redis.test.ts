import { catalog } from '@marketcache/shared/datasets/catalog'
import { instruments } from '@marketcache/shared/datasets/instruments'
import { ohlcv } from '@marketcache/shared/datasets/ohlcv'
import { optionChain } from '@marketcache/shared/datasets/option-chain'
import { spot } from '@marketcache/shared/datasets/spot'
import type { ConditionsPatch } from '@marketcache/simulator/conditions'
import { afterAll } from 'vitest'
import { bybitChain } from '../../../src/providers/bybit/chain'
import type { BybitClient } from '../../../src/providers/bybit/client'
import { testRedis } from '../../support/config'
import { startSimulator } from '../../support/simulator'
import { type ContractCase, type ContractSubject, providerContract } from '../provider-contract'
import { bybitAdapterFor } from './adapter-for'
import { BybitFailure, startBybitFixtures } from './fixtures'

const t = testRedis()
afterAll(() => t.cleanup())

/** A Bybit upstream for one contract run, and how to make it fail. */
interface BybitUpstream {
  origin: string
  provokeRateLimit(): Promise<void>
  provokeOutage(): Promise<void>
  close(): Promise<void>
}

const NOPE = 'NOPE'

function subjectFor(upstream: BybitUpstream): ContractSubject {
  const clients: BybitClient[] = []
  const adapter = () => {
    const built = bybitAdapterFor(upstream.origin, t.redis, t.keyPrefix)
    clients.push(built.client)
    return built.adapter
  }
  const shared = adapter()
  const cases = [
    {
      dataset: spot,
      known: { exchange: 'bybit', symbol: 'BTCUSDT' },
      unknown: { exchange: 'bybit', symbol: `${NOPE}USDT` },
      fetch: async (params) => {
        const { records } = await shared.spot([params.symbol])
        return records[0] as (typeof records)[number]
      },
    } satisfies ContractCase<typeof spot>,
    {
      dataset: instruments,
      known: { exchange: 'bybit', underlying: 'BTC' },
      unknown: { exchange: 'bybit', underlying: NOPE },
      fetch: async (params) => (await shared.instruments(params.underlying)).value,
    } satisfies ContractCase<typeof instruments>,
    {
      dataset: optionChain,
      known: { exchange: 'bybit', underlying: 'BTC' },
      unknown: { exchange: 'bybit', underlying: NOPE },
      fetch: async ({ underlying }) => {
        const { value } = await shared.instruments(underlying)
        return bybitChain(underlying, value.contracts, await shared.optionTickers(underlying))
      },
    } satisfies ContractCase<typeof optionChain>,
    {
      dataset: ohlcv,
      known: { exchange: 'bybit', symbol: 'BTCUSDT', interval: '1h' },
      unknown: { exchange: 'bybit', symbol: `${NOPE}USDT`, interval: '1h' },
      fetch: async (params) => (await shared.klines(params.symbol, params.interval)).value,
    } satisfies ContractCase<typeof ohlcv>,
    {
      dataset: catalog,
      known: { name: 'bybit-options' },
      fetch: async ({ name }) => {
        const { baseCoins, asOf } = await shared.optionCatalog()
        return { name, provider: 'bybit', ids: baseCoins, as_of: new Date(asOf).toISOString() }
      },
    } satisfies ContractCase<typeof catalog>,
  ] as ContractCase[]
  return {
    cases,
    provokeRateLimit: upstream.provokeRateLimit,
    provokeOutage: upstream.provokeOutage,
    // A new client each time: the one a rate limit silenced would refuse without calling.
    probe: () => adapter().spot(['BTCUSDT']),
    async close() {
      await Promise.all(clients.map((client) => client.close()))
      await upstream.close()
    },
  }
}

providerContract('bybit against the simulator', async () => {
  const sim = await startSimulator()
  // Faults here are Bybit's own section of the simulator's conditions.
  const bybit = (switches: Record<string, unknown>) =>
    sim.faults({ bybit: switches } as ConditionsPatch)
  return subjectFor({
    origin: new URL(sim.baseUrl).origin,
    provokeRateLimit: () => bybit({ forcedRateLimit: 1 }),
    provokeOutage: () => sim.faults({ errorRate: 1 }),
    close: () => sim.close(),
  })
})

providerContract('bybit against recorded fixtures', async () => {
  const fixtures = await startBybitFixtures()
  return subjectFor({
    origin: fixtures.origin,
    provokeRateLimit: async () => fixtures.failNext(BybitFailure.tooManyVisits()),
    provokeOutage: async () => fixtures.failNext(BybitFailure.serverError()),
    close: () => fixtures.close(),
  })
})
