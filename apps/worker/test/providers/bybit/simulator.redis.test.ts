import { filterChain } from '@marketcache/shared/datasets/option-chain'
import type { ConditionsPatch } from '@marketcache/simulator/conditions'
import { describe, expect, it } from 'vitest'
import { ProviderRateLimitError } from '../../../src/errors'
import { bybitChain } from '../../../src/providers/bybit/chain'
import { useHarness } from '../../support/harness'
import { startSimulator } from '../../support/simulator'
import { type AdapterOptions, bybitAdapterIn } from './adapter-for'

const h = useHarness({ upstream: () => startSimulator(), queues: [] })
const sim = h.upstream

const adapterFor = (options: AdapterOptions = {}) => bybitAdapterIn(h, options)
/** Bybit's own section of the simulator's switches. */
const bybit = (switches: Record<string, unknown>) =>
  sim.faults({ bybit: switches } as ConditionsPatch)
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => error,
  )

describe('Bybit adapter against the simulator', () => {
  it('pages through instruments with the simulator’s opaque cursors, each instrument once', async () => {
    const whole = await adapterFor().instruments('ETH')
    await sim.reset()
    const paged = await adapterFor({ pageSize: 100 }).instruments('ETH')
    const symbols = paged.value.contracts.map((c) => c.symbol)
    expect(new Set(symbols).size).toBe(symbols.length)
    expect(symbols.sort()).toEqual(whole.value.contracts.map((c) => c.symbol).sort())
    expect((await sim.stats()).byEndpoint['/v5/market/instruments-info']).toBe(
      Math.ceil(symbols.length / 100),
    )
    expect(new Set(paged.value.contracts.map((c) => c.settle))).toEqual(new Set(['USDC', 'USDT']))
  })

  it('assembles the whole chain from one tickers call: every live instrument once, paired', async () => {
    const adapter = adapterFor()
    const { value } = await adapter.instruments('BTC')
    const tickers = await adapter.optionTickers('BTC')
    const chain = bybitChain('BTC', value.contracts, tickers)
    expect((await sim.stats()).byEndpoint['/v5/market/tickers']).toBe(1)

    const live = value.contracts.filter((c) => Date.parse(c.expiry) > tickers.asOf)
    const placed = chain.expiries.flatMap((e) =>
      e.strikes.flatMap((s) => [s.call, s.put].filter((q) => q !== null).map((q) => q.symbol)),
    )
    expect(placed.sort()).toEqual(live.map((c) => c.symbol).sort())
    const bySymbol = new Map(value.contracts.map((c) => [c.symbol, c]))
    for (const expiry of chain.expiries) {
      for (const strike of expiry.strikes) {
        for (const [side, quote] of [
          ['call', strike.call],
          ['put', strike.put],
        ] as const) {
          if (quote === null) continue
          expect(bySymbol.get(quote.symbol)).toMatchObject({
            right: side,
            strike: strike.strike,
            expiry: expiry.expiry,
          })
        }
      }
    }
    const filters = { minDays: 7, maxDays: 60, minStrike: chain.underlying_price * 0.9 }
    const selected = live.filter((c) => {
      const days = (Date.parse(c.expiry) - tickers.asOf) / 86_400_000
      return days >= 7 && days <= 60 && c.strike >= filters.minStrike
    })
    expect(filterChain(chain, filters).expiries.length).toBeGreaterThan(1)
    expect(filterChain(chain, filters)).toEqual(bybitChain('BTC', selected, tickers))
  })

  it('reads the simulator’s 10006 with and without its reset header', async () => {
    await bybit({ forcedRateLimit: 1 })
    const withHeader = await failure(adapterFor().spot(['BTCUSDT']))
    expect(withHeader).toBeInstanceOf(ProviderRateLimitError)
    expect((withHeader as ProviderRateLimitError).retryAfterMs).toBeLessThanOrEqual(1000)

    await bybit({ forcedRateLimit: 1, omitResetHeader: true })
    const without = await failure(adapterFor().spot(['BTCUSDT']))
    expect((without as ProviderRateLimitError).retryAfterMs).toBe(1000)
  })

  it('reads the simulator’s 403 ban as a rate limit for the ban pause', async () => {
    await bybit({ forceBan: true })
    const error = await failure(
      adapterFor({ env: { BYBIT_BAN_PAUSE_MS: '30000' } }).spot(['BTCUSDT']),
    )
    expect(error).toBeInstanceOf(ProviderRateLimitError)
    expect((error as ProviderRateLimitError).retryAfterMs).toBe(30_000)
    expect((await sim.stats()).byStatus['403']).toBe(1)
  })
})
