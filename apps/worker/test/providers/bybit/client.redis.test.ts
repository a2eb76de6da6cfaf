import { Keys } from '@marketcache/shared/keys'
import { describe, expect, it } from 'vitest'
import {
  ProviderBadResponseError,
  ProviderNotFoundError,
  ProviderRateLimitError,
  ProviderRejectedError,
  ProviderUnavailableError,
} from '../../../src/errors'
import { useHarness } from '../../support/harness'
import { waitFor } from '../../support/wait'
import { type AdapterOptions, bybitAdapterFor, bybitAdapterIn } from './adapter-for'
import { BybitFailure, startBybitFixtures } from './fixtures'

const h = useHarness({ upstream: startBybitFixtures, queues: [] })
const fixtures = h.upstream

const adapterFor = (options: AdapterOptions = {}) => bybitAdapterIn(h, options)

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => error,
  )

describe('Bybit client requests', () => {
  it('asks for one spot symbol by name, and for several with one unfiltered call', async () => {
    const adapter = adapterFor()
    await adapter.spot(['BTCUSDT'])
    await adapter.spot(['BTCUSDT', 'ETHUSDT'])
    expect(fixtures.calls.map((call) => call.path)).toEqual([
      '/v5/market/tickers?category=spot&symbol=BTCUSDT',
      '/v5/market/tickers?category=spot',
    ])
  })

  it('asks for klines by Bybit’s interval names, 1000 at a time', async () => {
    const adapter = adapterFor()
    await adapter.klines('BTCUSDT', '1h')
    await adapter.klines('BTCUSDT', '1d')
    expect(fixtures.calls.map((call) => call.path)).toEqual([
      '/v5/market/kline?category=spot&symbol=BTCUSDT&interval=60&limit=1000',
      '/v5/market/kline?category=spot&symbol=BTCUSDT&interval=D&limit=1000',
    ])
  })

  it('counts every call, failures included, by endpoint', async () => {
    const keyPrefix = `${h.keyPrefix}-count`
    const { adapter, client } = bybitAdapterFor(fixtures.origin, h.redis, keyPrefix)
    h.closeAfter(client)
    // Outside the harness's own prefix, so its clean-up would not take it.
    h.closeAfter({
      close: async () => void (await h.redis.del(new Keys(keyPrefix).providerCalls())),
    })
    fixtures.failNext(BybitFailure.serverError())
    await failure(adapter.optionTickers('BTC'))
    await adapter.optionTickers('BTC')
    await adapter.klines('BTCUSDT', '5m')
    const counts = await waitFor(
      async () => {
        const hash = await h.redis.hgetall(new Keys(keyPrefix).providerCalls())
        return hash['bybit./v5/market/kline'] === '1' ? hash : undefined
      },
      { what: 'call counters' },
    )
    expect(counts).toEqual({ 'bybit./v5/market/tickers': '2', 'bybit./v5/market/kline': '1' })
  })
})

describe('Bybit failures', () => {
  it('reads retCode 10006 as a rate limit lasting until the reset header', async () => {
    fixtures.failNext(BybitFailure.tooManyVisits(Date.now() + 2000))
    const error = await failure(adapterFor().spot(['BTCUSDT']))
    expect(error).toBeInstanceOf(ProviderRateLimitError)
    expect((error as ProviderRateLimitError).retryAfterMs).toBeGreaterThan(1500)
    expect((error as ProviderRateLimitError).retryAfterMs).toBeLessThanOrEqual(2000)
  })

  it('waits a default second after a 10006 without a reset header', async () => {
    fixtures.failNext(BybitFailure.tooManyVisits())
    const error = await failure(adapterFor().spot(['BTCUSDT']))
    expect(error).toBeInstanceOf(ProviderRateLimitError)
    expect((error as ProviderRateLimitError).retryAfterMs).toBe(1000)
  })

  it('sends nothing more until a rate limit has passed', async () => {
    const adapter = adapterFor()
    fixtures.failNext(BybitFailure.tooManyVisits(Date.now() + 600))
    await expect(adapter.optionTickers('BTC')).rejects.toBeInstanceOf(ProviderRateLimitError)
    const held = await failure(adapter.spot(['BTCUSDT']))
    expect(held).toBeInstanceOf(ProviderRateLimitError)
    expect(fixtures.calls).toHaveLength(1)
    await new Promise((resolve) => setTimeout(resolve, 700))
    await expect(adapter.spot(['BTCUSDT'])).resolves.toMatchObject({ missing: [] })
    expect(fixtures.calls).toHaveLength(2)
  })

  it('reads a 403 (IP ban) as a rate limit for the configured ban pause', async () => {
    const adapter = adapterFor({ env: { BYBIT_BAN_PAUSE_MS: '42000' } })
    fixtures.failNext(BybitFailure.ipBan())
    const error = await failure(adapter.instruments('BTC'))
    expect(error).toBeInstanceOf(ProviderRateLimitError)
    expect((error as ProviderRateLimitError).retryAfterMs).toBe(42_000)
    expect((error as Error).message).toContain('access too frequent')
    const held = await failure(adapter.instruments('BTC'))
    expect((held as ProviderRateLimitError).retryAfterMs).toBeGreaterThan(41_000)
    expect(fixtures.calls).toHaveLength(1)
  })

  it('reads retCode 10001 (params error) as not found', async () => {
    await expect(adapterFor().spot(['NOPEUSDT'])).rejects.toBeInstanceOf(ProviderNotFoundError)
    await expect(adapterFor().klines('NOPEUSDT', '1h')).rejects.toBeInstanceOf(
      ProviderNotFoundError,
    )
  })

  it('reads an empty list for a well-formed coin as not found', async () => {
    await expect(adapterFor().instruments('NOPE')).rejects.toBeInstanceOf(ProviderNotFoundError)
  })

  it('reads Bybit’s server errors (10016, 10000) and 5xx as transient', async () => {
    fixtures.failNext(BybitFailure.serverError(), BybitFailure.requestTimeout(), {
      status: 502,
      body: '<html>Bad Gateway</html>',
      headers: { 'content-type': 'text/html' },
    })
    for (let i = 0; i < 3; i++) {
      await expect(adapterFor().optionTickers('BTC')).rejects.toBeInstanceOf(
        ProviderUnavailableError,
      )
    }
  })

  it('times out a slow answer as transient, with the cause', async () => {
    fixtures.failNext({ ...BybitFailure.serverError(), delayMs: 1000 })
    const error = await failure(adapterFor().spot(['BTCUSDT']))
    expect(error).toBeInstanceOf(ProviderUnavailableError)
    expect((error as Error).cause).toBeDefined()
  })

  it('reads a refused connection as transient', async () => {
    const { adapter, client } = bybitAdapterFor('http://127.0.0.1:9', h.redis, h.keyPrefix)
    h.closeAfter(client)
    await expect(adapter.spot(['BTCUSDT'])).rejects.toBeInstanceOf(ProviderUnavailableError)
  })

  it('reads a 200 that is not the envelope as a bad response, never as data', async () => {
    fixtures.failNext(
      { status: 200, body: '{"retCode":0,"retMsg":"OK","result":{"list":[{"sym' },
      { status: 200, body: '<html>maintenance</html>', headers: { 'content-type': 'text/html' } },
      { status: 200, body: '{"retCode":0,"result":{"list":"nope"}}' },
    )
    for (let i = 0; i < 3; i++) {
      await expect(adapterFor().optionTickers('BTC')).rejects.toBeInstanceOf(
        ProviderBadResponseError,
      )
    }
  })

  it('reads other 4xx and unknown retCodes as permanent rejections', async () => {
    fixtures.failNext(
      { status: 400, body: '{"retCode":10001,"retMsg":"bad"}' },
      { status: 200, body: '{"retCode":10017,"retMsg":"route not found","result":{}}' },
    )
    for (let i = 0; i < 2; i++) {
      await expect(adapterFor().spot(['BTCUSDT'])).rejects.toBeInstanceOf(ProviderRejectedError)
    }
  })
})
