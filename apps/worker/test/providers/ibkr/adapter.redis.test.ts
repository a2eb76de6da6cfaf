import { describe, expect, it } from 'vitest'
import {
  ProviderBadResponseError,
  ProviderNotFoundError,
  ProviderRateLimitError,
  ProviderRejectedError,
  ProviderUnavailableError,
} from '../../../src/errors'
import type { IbkrAdapterOptions } from '../../../src/providers/ibkr/adapter'
import { OPTION_FIELDS, STOCK_FIELDS } from '../../../src/providers/ibkr/fields'
import { useHarness } from '../../support/harness'
import { waitFor } from '../../support/wait'
import { gatewayUrl, ibkrAdapterFor } from './client'
import { ibkrAnswer, startIbkrFixtures } from './fixture-route'

const h = useHarness({ upstream: startIbkrFixtures, queues: [] })
const server = h.upstream

/** A fresh client (and so fresh pre-flight state on the fixture side is not implied). */
function adapterFor(env: Record<string, string> = {}, options: IbkrAdapterOptions = {}) {
  const built = ibkrAdapterFor(gatewayUrl(server.baseUrl), h, env, {
    snapshotRetryMs: 20,
    ...options,
  })
  h.closeAfter(built.client)
  return built.adapter
}

const paths = () => server.requests.map((r) => new URL(r.path, 'http://x'))
const snapshotCalls = () => paths().filter((u) => u.pathname.endsWith('/marketdata/snapshot'))

describe('IBKR secdef against recorded shapes', () => {
  it('searches stocks and picks the listing with the STK section and its option months', async () => {
    const stock = await adapterFor().search('AAPL')
    expect(stock).toEqual({
      conid: '265598',
      symbol: 'AAPL',
      months: ['DEC28', 'JUN29', 'DEC29'],
      exchange: 'SMART',
    })
    expect(server.requests[0]?.path).toBe('/v1/api/iserver/secdef/search?symbol=AAPL&secType=STK')
  })

  it('reads an empty search, or the gateway’s error object, as not found', async () => {
    await expect(adapterFor().search('ZZZZ')).rejects.toBeInstanceOf(ProviderNotFoundError)
    server.answerNext(ibkrAnswer(200, 'search-no-symbol.json'))
    await expect(adapterFor().search('QQQQ')).rejects.toBeInstanceOf(ProviderNotFoundError)
  })

  it('lists strikes per right, ascending', async () => {
    const strikes = await adapterFor().strikes('265598', 'DEC28')
    expect(strikes.put[0]).toBe(190)
    expect(strikes.call).not.toContain(190)
    expect(strikes.call).toEqual([...strikes.call].sort((a, b) => a - b))
    expect(paths()[0]?.search).toBe('?conid=265598&sectype=OPT&month=DEC28&exchange=SMART')
  })

  it('returns every maturity a month holds at a strike (weeklies)', async () => {
    const contracts = await adapterFor().info('265598', 'DEC28', 230, 'call')
    expect(contracts.map((c) => c.maturityDate).sort()).toEqual([
      '20281208',
      '20281215',
      '20281222',
    ])
    for (const c of contracts) {
      expect(c).toMatchObject({ right: 'call', strike: 230, multiplier: 100, tradingClass: 'AAPL' })
      expect(c.conid).toMatch(/^\d+$/)
    }
    expect(Object.fromEntries(paths()[0]?.searchParams ?? [])).toMatchObject({
      strike: '230',
      right: 'C',
      month: 'DEC28',
    })
  })
})

describe('IBKR snapshots against recorded shapes', () => {
  it('asks again after the pre-flight answer, then parses the values', async () => {
    const adapter = adapterFor()
    const rows = await adapter.snapshot(['272093'], STOCK_FIELDS)
    expect(snapshotCalls()).toHaveLength(2)
    expect(snapshotCalls()[0]?.search).toBe('?conids=272093&fields=31,84,86,88,85,70,71,83,87')
    expect(rows.get('272093')).toMatchObject({
      last: 511.2,
      lastIsClose: false,
      bid: 511.1,
      ask: 511.3,
      changePct: 0.42,
      volume: 18_700_000,
      updated: 1795299998000,
    })
    // Subscribed now: the next snapshot answers at once.
    server.requests.length = 0
    await adapter.snapshot(['272093'], STOCK_FIELDS)
    expect(snapshotCalls()).toHaveLength(1)
  })

  it('retries only the still-empty conids, a bounded number of times', async () => {
    const never = '730100031' // a weekly the fixtures never quote
    const rows = await adapterFor().snapshot(['265598', never], OPTION_FIELDS)
    expect(rows.has('265598')).toBe(true)
    expect(rows.has(never)).toBe(false)
    // Both start with the pre-flight answer; then only the one still empty is asked again.
    const asked = snapshotCalls().map((u) => u.searchParams.get('conids'))
    expect(asked).toEqual([`265598,${never}`, `265598,${never}`, never])
  })

  it('splits more than 100 conids into calls of at most 100', async () => {
    const conids = Array.from({ length: 150 }, (_, i) => String(990_000_000 + i))
    const rows = await adapterFor({}, { snapshotTries: 1 }).snapshot(conids, OPTION_FIELDS)
    expect(rows.size).toBe(0)
    expect(snapshotCalls().map((u) => u.searchParams.get('conids')?.split(',').length)).toEqual([
      100, 50,
    ])
  })

  it('reads a snapshot answer that is not a list as a bad response', async () => {
    server.answerNext({ status: 200, body: '{"error":"bad conids"}' })
    await expect(adapterFor().snapshot(['1'], OPTION_FIELDS)).rejects.toBeInstanceOf(
      ProviderBadResponseError,
    )
  })
})

describe('IBKR gateway failures', () => {
  it('reads a 429 with Retry-After as a rate limit, and sends nothing until it has passed', async () => {
    const adapter = adapterFor()
    server.answerNext(ibkrAnswer(429, 'pacing-429.json', { 'retry-after': '1' }))
    const error = await adapter.search('AAPL').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ProviderRateLimitError)
    expect((error as ProviderRateLimitError).retryAfterMs).toBe(1000)
    const held = await adapter.strikes('265598', 'DEC28').catch((e: unknown) => e)
    expect(held).toBeInstanceOf(ProviderRateLimitError)
    expect((held as ProviderRateLimitError).retryAfterMs).toBeLessThanOrEqual(1000)
    expect(server.requests).toHaveLength(1)
  })

  it('pauses for IBKR_PACING_PAUSE_MS after a 429 without Retry-After', async () => {
    const adapter = adapterFor({ IBKR_PACING_PAUSE_MS: '300' })
    server.answerNext(ibkrAnswer(429, 'pacing-429.json'))
    const error = await adapter.search('AAPL').catch((e: unknown) => e)
    expect((error as ProviderRateLimitError).retryAfterMs).toBe(300)
    await expect(adapter.search('AAPL')).rejects.toBeInstanceOf(ProviderRateLimitError)
    expect(server.requests).toHaveLength(1)
    await new Promise((resolve) => setTimeout(resolve, 320))
    await expect(adapter.search('AAPL')).resolves.toMatchObject({ conid: '265598' })
    expect(server.requests).toHaveLength(2)
  })

  it('reads a 401 as a rejection that says the gateway needs a login', async () => {
    server.answerNext(ibkrAnswer(401, 'unauthenticated-401.json'))
    const error = await adapterFor()
      .search('AAPL')
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ProviderRejectedError)
    expect((error as ProviderRejectedError).status).toBe(401)
    expect((error as Error).message).toMatch(/not authenticated: log in/)
  })

  it('reads a 500, a non-JSON body and a timeout as transient', async () => {
    server.answerNext(ibkrAnswer(500, 'server-error-500.json'))
    await expect(adapterFor().search('AAPL')).rejects.toBeInstanceOf(ProviderUnavailableError)
    server.answerNext({ status: 200, body: '<html><body>Client login succeeds</body></html>' })
    await expect(adapterFor().search('AAPL')).rejects.toBeInstanceOf(ProviderUnavailableError)
    server.answerNext({ status: 200, body: '[]', delayMs: 1000 })
    await expect(adapterFor().search('AAPL')).rejects.toBeInstanceOf(ProviderUnavailableError)
  })

  it('spaces its calls to the configured pacing', async () => {
    const adapter = adapterFor({ IBKR_RATE_MAX: '5', IBKR_RATE_DURATION_MS: '500' })
    const started = Date.now()
    await Promise.all(Array.from({ length: 6 }, () => adapter.search('AAPL')))
    // Six calls at least 100 ms apart: the last starts 500 ms or more after the first.
    expect(Date.now() - started).toBeGreaterThanOrEqual(490)
  })

  it('counts every call by endpoint', async () => {
    const key = h.keys.providerCalls()
    await h.redis.del(key)
    const adapter = adapterFor()
    await adapter.search('MSFT')
    await adapter.strikes('265598', 'DEC28')
    await adapter.info('265598', 'DEC28', 230, 'put')
    const counts = await waitFor(
      async () => {
        const hash = await h.redis.hgetall(key)
        return hash['ibkr./iserver/secdef/info'] ? hash : undefined
      },
      { what: 'call counters' },
    )
    expect(counts).toEqual({
      'ibkr./iserver/secdef/search': '1',
      'ibkr./iserver/secdef/strikes': '1',
      'ibkr./iserver/secdef/info': '1',
    })
  })
})
