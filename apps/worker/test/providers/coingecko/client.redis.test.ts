import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/config'
import {
  ProviderBadResponseError,
  ProviderNotFoundError,
  ProviderRateLimitError,
  ProviderRejectedError,
  ProviderUnavailableError,
} from '../../../src/errors'
import { createLogger } from '../../../src/logger'
import { ProviderCallCounter } from '../../../src/provider-calls'
import { CoinGeckoAdapter } from '../../../src/providers/coingecko/adapter'
import { CoinGeckoClient } from '../../../src/providers/coingecko/client'
import { startFixtureServer } from '../../support/fixture-server'
import { useHarness } from '../../support/harness'

const h = useHarness({ upstream: () => startFixtureServer(), queues: [] })
const server = h.upstream

function adapterFor(env: Record<string, string> = {}) {
  const config = loadConfig({
    COINGECKO_BASE_URL: server.baseUrl,
    COINGECKO_TIMEOUT_MS: '300',
    ...env,
  })
  const logger = createLogger('silent')
  const client = new CoinGeckoClient(config.coingecko, {
    counter: new ProviderCallCounter(h.redis, h.keys, logger),
    logger,
  })
  h.closeAfter(client)
  return new CoinGeckoAdapter(client)
}

describe('CoinGecko client against recorded shapes', () => {
  it('asks /coins/{id} for market data only', async () => {
    await adapterFor().coin('bitcoin')
    expect(server.requests[0]?.path).toBe(
      '/api/v3/coins/bitcoin?localization=false&tickers=false&community_data=false&developer_data=false&sparkline=false',
    )
  })

  it('asks /coins/markets for the ids, one page of exactly that many', async () => {
    await adapterFor().markets({ ids: ['bitcoin', 'ethereum'] })
    const url = new URL(server.requests[0]?.path ?? '', 'http://x')
    expect(url.pathname).toBe('/api/v3/coins/markets')
    expect(Object.fromEntries(url.searchParams)).toEqual({
      vs_currency: 'usd',
      ids: 'bitcoin,ethereum',
      order: 'market_cap_desc',
      per_page: '2',
      page: '1',
    })
  })

  it('asks /coins/{id}/ohlc in USD for the days that give each interval', async () => {
    const adapter = adapterFor()
    await adapter.ohlc('bitcoin', '30m')
    // The recorded answer is in 30-minute candles, so a 4h read of it is refused; the ask is what counts.
    await adapter.ohlc('bitcoin', '4h').catch(() => undefined)
    expect(server.requests.map((r) => r.path)).toEqual([
      '/api/v3/coins/bitcoin/ohlc?vs_currency=usd&days=1',
      '/api/v3/coins/bitcoin/ohlc?vs_currency=usd&days=30',
    ])
  })

  it('reads candles of the wrong width as a bad response, and an unknown coin as not found', async () => {
    await expect(adapterFor().ohlc('bitcoin', '4h')).rejects.toBeInstanceOf(
      ProviderBadResponseError,
    )
    await expect(adapterFor().ohlc('no-such-coin', '30m')).rejects.toBeInstanceOf(
      ProviderNotFoundError,
    )
  })

  it('sends the key in the header of the configured plan, and none without a key', async () => {
    await adapterFor({ COINGECKO_API_KEY: 'CG-demo-key' }).coin('bitcoin')
    await adapterFor({ COINGECKO_API_KEY: 'CG-pro-key', COINGECKO_PLAN: 'pro' }).coin('bitcoin')
    await adapterFor().coin('bitcoin')
    const [demo, pro, keyless] = server.requests.map((r) => r.headers)
    expect(demo?.['x-cg-demo-api-key']).toBe('CG-demo-key')
    expect(demo?.['x-cg-pro-api-key']).toBeUndefined()
    expect(pro?.['x-cg-pro-api-key']).toBe('CG-pro-key')
    expect(pro?.['x-cg-demo-api-key']).toBeUndefined()
    expect(keyless?.['x-cg-demo-api-key']).toBeUndefined()
    expect(keyless?.['x-cg-pro-api-key']).toBeUndefined()
  })

  it('reads an HTML 429 as a rate limit with its Retry-After', async () => {
    server.answerNext({ status: 429, file: 'rate-limit.html', headers: { 'retry-after': '2' } })
    const error = await adapterFor()
      .coin('bitcoin')
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ProviderRateLimitError)
    expect((error as ProviderRateLimitError).retryAfterMs).toBe(2000)
  })

  it('reads a JSON 429 without Retry-After as a one-minute rate limit', async () => {
    server.answerNext({ status: 429, file: 'rate-limit.json' })
    const error = await adapterFor()
      .markets({ top: 2 })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ProviderRateLimitError)
    expect((error as ProviderRateLimitError).retryAfterMs).toBe(60_000)
  })

  it('sends nothing more until a Retry-After has passed', async () => {
    const adapter = adapterFor()
    server.answerNext({ status: 429, file: 'rate-limit.json', headers: { 'retry-after': '1' } })
    await expect(adapter.coin('bitcoin')).rejects.toBeInstanceOf(ProviderRateLimitError)
    const held = await adapter.coin('bitcoin').catch((e: unknown) => e)
    expect(held).toBeInstanceOf(ProviderRateLimitError)
    expect((held as ProviderRateLimitError).retryAfterMs).toBeLessThanOrEqual(1000)
    expect(server.requests.length).toBe(1)
  })

  it('reads CoinGecko’s 404 body as not found', async () => {
    await expect(adapterFor().coin('no-such-coin')).rejects.toBeInstanceOf(ProviderNotFoundError)
  })

  it('reads a 500 as transient', async () => {
    server.answerNext({ status: 500, file: 'server-error.json' })
    await expect(adapterFor().coin('bitcoin')).rejects.toBeInstanceOf(ProviderUnavailableError)
  })

  it('reads a missing key (401) as a permanent rejection', async () => {
    server.answerNext({ status: 401, file: 'missing-key.json' })
    await expect(adapterFor().coin('bitcoin')).rejects.toBeInstanceOf(ProviderRejectedError)
  })

  it('times out a slow answer as transient', async () => {
    server.answerNext({ status: 200, file: 'coin-bitcoin.json', delayMs: 1000 })
    const error = await adapterFor()
      .coin('bitcoin')
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ProviderUnavailableError)
    expect((error as Error).cause).toBeDefined()
  })

  it('reports a connection refused as transient', async () => {
    const config = loadConfig({ COINGECKO_BASE_URL: 'http://127.0.0.1:9/api/v3' })
    const logger = createLogger('silent')
    const client = new CoinGeckoClient(config.coingecko, {
      counter: new ProviderCallCounter(h.redis, h.keys, logger),
      logger,
    })
    h.closeAfter(client)
    await expect(new CoinGeckoAdapter(client).coin('bitcoin')).rejects.toBeInstanceOf(
      ProviderUnavailableError,
    )
  })

  it('reads a truncated 200 body as a bad response', async () => {
    server.answerNext({ status: 200, body: '{"id":"bitcoin","market_da' })
    await expect(adapterFor().coin('bitcoin')).rejects.toBeInstanceOf(ProviderBadResponseError)
  })

  it('skips a malformed market row but keeps the others', async () => {
    const { records, skipped } = await adapterFor().markets({ top: 4 })
    expect(records.map((r) => r.id)).toEqual(['bitcoin', 'ethereum', 'tether'])
    expect(skipped.map((s) => s.id)).toEqual(['broken-coin'])
  })

  it('rejects a markets answer that is not a list, or has no valid row', async () => {
    server.answerNext({ status: 200, body: '{}' })
    await expect(adapterFor().markets({ top: 2 })).rejects.toBeInstanceOf(ProviderBadResponseError)
    server.answerNext({ status: 200, body: '[{"id":"x","current_price":"n/a"}]' })
    await expect(adapterFor().markets({ top: 2 })).rejects.toBeInstanceOf(ProviderBadResponseError)
  })
})
