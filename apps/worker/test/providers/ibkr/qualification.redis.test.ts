import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { IbkrClient } from '../../../src/providers/ibkr/client'
import { qualify } from '../../../src/providers/ibkr/qualification'
import { testRedis } from '../../support/config'
import type { FixtureServer } from '../../support/fixture-server'
import { gatewayUrl, ibkrAdapterFor } from './client'
import { startIbkrFixtures } from './fixture-route'

/** The recorded AAPL chain: DEC28 weeklies (8th, 15th, 22nd), JUN29 the 15th; spot 232.50. */
describe('IBKR qualification horizon (maxDays)', () => {
  let server: FixtureServer
  let client: IbkrClient
  let adapter: ReturnType<typeof ibkrAdapterFor>['adapter']
  const t = testRedis()
  const calls = (endpoint: string) =>
    server.requests.filter((r) => r.path.startsWith(`/v1/api${endpoint}`)).length

  beforeAll(async () => {
    server = await startIbkrFixtures()
    const built = ibkrAdapterFor(gatewayUrl(server.baseUrl), t, { IBKR_RATE_MAX: '1000' })
    client = built.client
    adapter = built.adapter
  })
  afterAll(async () => {
    await client.close()
    await server.close()
    await t.cleanup()
  })

  it('keeps only expiries within the horizon and asks nothing about months past it', async () => {
    // 2028-11-20 + 25 days = 2028-12-15 00:00Z: the 8 Dec expiry is in, the 15th (21:00Z) is out,
    // and JUN29 starts after the horizon, so its strikes are never asked for.
    const now = Date.UTC(2028, 10, 20)
    const { value } = await qualify(adapter, 'AAPL', { months: 2, strikes: 2, maxDays: 25 }, now)
    expect(value.expiries).toEqual(['2028-12-08T21:00:00.000Z'])
    expect(value.contracts.every((c) => c.expiry === '2028-12-08T21:00:00.000Z')).toBe(true)
    expect(calls('/iserver/secdef/strikes')).toBe(1)
  })

  it('asks for both months without a horizon', async () => {
    const before = calls('/iserver/secdef/strikes')
    const now = Date.UTC(2028, 10, 20)
    const { value } = await qualify(adapter, 'AAPL', { months: 2, strikes: 2 }, now)
    expect(value.expiries).toHaveLength(4)
    expect(calls('/iserver/secdef/strikes') - before).toBe(2)
  })
})
