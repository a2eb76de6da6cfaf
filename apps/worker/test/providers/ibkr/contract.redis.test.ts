import type { IbkrClient } from '../../../src/providers/ibkr/client'
import { testRedis } from '../../support/config'
import { startSimulator } from '../../support/simulator'
import { type ContractSubject, providerContract } from '../provider-contract'
import { gatewayUrl, ibkrAdapterFor } from './client'
import { ibkrContractCases } from './contract-cases'
import { ibkrAnswer, startIbkrFixtures } from './fixture-route'

const LIMITS = { months: 2, strikes: 3 }

/**
 * An adapter factory on one upstream. Each probe gets a fresh client: after a provoked 429 the
 * old one rightly refuses to send anything until the pause has passed.
 */
function subjectOn(baseUrl: string, env: Record<string, string> = {}) {
  const t = testRedis()
  const clients: IbkrClient[] = []
  const fresh = () => {
    const built = ibkrAdapterFor(baseUrl, t, env, { snapshotRetryMs: 50 })
    clients.push(built.client)
    return built.adapter
  }
  const main = fresh()
  return {
    cases: ibkrContractCases(() => main, LIMITS, { known: 'AAPL', unknown: 'ZZZZ' }),
    probe: () => fresh().search('AAPL'),
    async close() {
      await Promise.all(clients.map((client) => client.close()))
      await t.cleanup()
    },
  }
}

providerContract('ibkr against the simulator', async (): Promise<ContractSubject> => {
  const sim = await startSimulator()
  const subject = subjectOn(gatewayUrl(sim.baseUrl))
  return {
    ...subject,
    provokeRateLimit: () => sim.faults({ ibkr: { forced429: 1 } }),
    provokeOutage: () => sim.faults({ errorRate: 1 }),
    async close() {
      await subject.close()
      await sim.close()
    },
  }
})

providerContract('ibkr against recorded-shape fixtures', async (): Promise<ContractSubject> => {
  const server = await startIbkrFixtures()
  // The fixture server does not pace, so neither need the client.
  const subject = subjectOn(gatewayUrl(server.baseUrl), { IBKR_RATE_MAX: '1000' })
  return {
    ...subject,
    provokeRateLimit: async () => server.answerNext(ibkrAnswer(429, 'pacing-429.json')),
    provokeOutage: async () => server.answerNext(ibkrAnswer(500, 'server-error-500.json')),
    async close() {
      await subject.close()
      await server.close()
    },
  }
})
