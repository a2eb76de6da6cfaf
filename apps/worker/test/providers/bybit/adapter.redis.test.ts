import { filterChain } from '@marketcache/shared/datasets/option-chain'
import { describe, expect, it } from 'vitest'
import { ProviderBadResponseError, ProviderNotFoundError } from '../../../src/errors'
import { bybitChain } from '../../../src/providers/bybit/chain'
import { captureLogger } from '../../support/capture-logger'
import { useHarness } from '../../support/harness'
import { type AdapterOptions, bybitAdapterIn } from './adapter-for'
import { bybitEnvelope, startBybitFixtures } from './fixtures'

const h = useHarness({ upstream: startBybitFixtures, queues: [] })
const fixtures = h.upstream

const adapterFor = (options: AdapterOptions = {}) => bybitAdapterIn(h, options)

const TIME = bybitEnvelope('tickers-option-btc.json').time
const listed = bybitEnvelope('instruments-option-btc.json').result.list as { symbol: string }[]
const envelopeOf = (list: unknown[], nextPageCursor: string) => ({
  status: 200,
  body: JSON.stringify({
    retCode: 0,
    retMsg: 'OK',
    result: { category: 'option', nextPageCursor, list },
    retExtInfo: {},
    time: TIME,
  }),
})

describe('instruments paging', () => {
  it('follows nextPageCursor to the end and lists every instrument once', async () => {
    const { value, asOf } = await adapterFor({ pageSize: 5 }).instruments('BTC')
    expect(
      fixtures.calls.map((call) => new URL(call.path, 'http://x').searchParams.get('cursor')),
    ).toEqual([null, '5,5', '10,5', '15,5'])
    expect(fixtures.calls[1]?.path).toContain('cursor=5%2C5')
    expect(fixtures.calls[0]?.path).toContain('limit=5')
    expect(value.contracts.map((c) => c.symbol).sort()).toEqual(listed.map((r) => r.symbol).sort())
    expect(value).toMatchObject({ exchange: 'bybit', underlying: 'BTC', underlying_id: null })
    expect(value.expiries).toEqual([
      '2024-12-21T08:00:00.000Z',
      '2024-12-27T08:00:00.000Z',
      '2025-02-13T08:00:00.000Z',
    ])
    expect(asOf).toBe(TIME)
    expect(value.as_of).toBe(new Date(TIME).toISOString())
    expect(new Set(value.contracts.map((c) => c.settle))).toEqual(new Set(['USDC', 'USDT']))
    for (const contract of value.contracts) {
      expect(contract).toMatchObject({ multiplier: 1, tick_size: 5 })
    }
  })

  it('asks for 1000 a page by default: one call for a short list', async () => {
    await adapterFor().instruments('BTC')
    expect(fixtures.calls).toHaveLength(1)
    expect(fixtures.calls[0]?.path).toBe(
      '/v5/market/instruments-info?category=option&baseCoin=BTC&limit=1000',
    )
  })

  it('lists an instrument repeated across pages once', async () => {
    fixtures.failNext(envelopeOf(listed.slice(0, 3), 'a'), envelopeOf(listed.slice(2, 5), ''))
    const { value } = await adapterFor({ pageSize: 3 }).instruments('BTC')
    expect(value.contracts.map((c) => c.symbol).sort()).toEqual(
      listed
        .slice(0, 5)
        .map((r) => r.symbol)
        .sort(),
    )
  })

  it('stops a cursor that goes round in circles', async () => {
    fixtures.failNext(
      envelopeOf(listed.slice(0, 2), 'a'),
      envelopeOf(listed.slice(2, 4), 'b'),
      envelopeOf(listed.slice(4, 6), 'a'),
    )
    await expect(adapterFor({ pageSize: 2 }).instruments('BTC')).rejects.toBeInstanceOf(
      ProviderBadResponseError,
    )
    expect(fixtures.calls).toHaveLength(3)
  })

  it('skips and logs bad rows, and refuses an answer with none usable', async () => {
    const { logger, records } = captureLogger('warn')
    fixtures.failNext(envelopeOf([{ symbol: 'BTC-99ZZZ24-1-C' }, ...listed.slice(0, 2)], ''))
    const { value } = await adapterFor({ logger }).instruments('BTC')
    expect(value.contracts).toHaveLength(2)
    expect(records).toEqual([
      expect.objectContaining({ msg: 'provider rows skipped', skipped: 1, provider: 'bybit' }),
    ])

    fixtures.failNext(envelopeOf([{ symbol: 'garbage' }, { nope: true }], ''))
    await expect(adapterFor().instruments('BTC')).rejects.toBeInstanceOf(ProviderBadResponseError)
  })
})

describe('spot', () => {
  it('keeps the requested symbols and reports the missing ones', async () => {
    const { records, missing, asOf } = await adapterFor().spot(['SOLUSDT', 'BTCUSDT', 'NOPEUSDT'])
    expect(records.map((r) => r.symbol).sort()).toEqual(['BTCUSDT', 'SOLUSDT'])
    expect(missing).toEqual(['NOPEUSDT'])
    expect(asOf).toBe(TIME)
    expect(fixtures.calls).toHaveLength(1)
  })

  it('says not found for one unknown symbol, and for an empty list', async () => {
    await expect(adapterFor().spot(['NOPEUSDT'])).rejects.toBeInstanceOf(ProviderNotFoundError)
    fixtures.failNext(envelopeOf([], ''))
    await expect(adapterFor().spot(['BTCUSDT'])).rejects.toBeInstanceOf(ProviderNotFoundError)
  })
})

describe('klines', () => {
  it('turns Bybit’s newest-first rows into ascending candles as of Bybit’s time', async () => {
    const { value, asOf } = await adapterFor().klines('BTCUSDT', '1h')
    const times = value.candles.map((candle) => candle.t)
    expect(times).toEqual([...times].sort((a, b) => a - b))
    expect(times).toHaveLength(6)
    expect(value.candles[0]).toEqual({
      t: Date.UTC(2024, 11, 20),
      o: 97_000,
      h: 97_075,
      l: 96_959,
      c: 97_020,
      v: 123.456789,
    })
    expect(value).toMatchObject({ exchange: 'bybit', symbol: 'BTCUSDT', interval: '1h' })
    expect(asOf).toBe(TIME)
  })
})

describe('option chain from instruments and one tickers call', () => {
  async function fullChain() {
    const adapter = adapterFor()
    const { value } = await adapter.instruments('BTC')
    const tickers = await adapter.optionTickers('BTC')
    return {
      contracts: value.contracts,
      tickers,
      chain: bybitChain('BTC', value.contracts, tickers),
    }
  }

  it('places every instrument once, calls and puts paired by expiry and strike', async () => {
    const { chain } = await fullChain()
    const placed = chain.expiries.flatMap((e) =>
      e.strikes.flatMap((s) => [s.call?.symbol, s.put?.symbol]),
    )
    expect(placed.sort()).toEqual(listed.map((r) => r.symbol).sort())
    for (const expiry of chain.expiries) {
      for (const strike of expiry.strikes) {
        const call = strike.call?.symbol ?? ''
        const put = strike.put?.symbol ?? ''
        expect(call.replace(/-C(-|$)/, '-X$1')).toBe(put.replace(/-P(-|$)/, '-X$1'))
        expect(call).toContain(`-${strike.strike}-C`)
      }
    }
    expect(fixtures.calls.filter((c) => c.path.startsWith('/v5/market/tickers'))).toHaveLength(1)
  })

  it('parses the numbers, prices the chain at the index, counts days from Bybit’s time', async () => {
    const { chain } = await fullChain()
    expect(chain).toMatchObject({
      exchange: 'bybit',
      underlying: 'BTC',
      underlying_price: 97_250.42,
      as_of: new Date(TIME).toISOString(),
    })
    const first = chain.expiries[0]
    expect(first?.days_to_expiry).toBeCloseTo((Date.UTC(2024, 11, 21, 8) - TIME) / 86_400_000, 3)
    const noBid = first?.strikes.find((s) => s.strike === 95_000)?.put
    expect(noBid).toMatchObject({ bid: null, ask: 815, iv: 0.5245 })
  })

  it('filtering the full chain equals assembling from the filtered instruments', async () => {
    const { contracts, tickers, chain } = await fullChain()
    const filters = { minStrike: 95_000, maxStrike: 100_000, expiry: '2024-12-27' }
    const selected = contracts.filter(
      (c) =>
        c.strike >= filters.minStrike &&
        c.strike <= filters.maxStrike &&
        c.expiry.startsWith(filters.expiry),
    )
    expect(filterChain(chain, filters)).toEqual(bybitChain('BTC', selected, tickers))
    const byDays = { minDays: 2 }
    expect(filterChain(chain, byDays)).toEqual(
      bybitChain(
        'BTC',
        contracts.filter((c) => !c.expiry.startsWith('2024-12-21')),
        tickers,
      ),
    )
  })

  it('gives a slot listed in two settle coins to the one with more contracts', async () => {
    const { contracts, tickers } = await fullChain()
    const twin = { ...contracts.find((c) => c.symbol === 'BTC-27DEC24-100000-C')! }
    const usdt = { ...twin, symbol: `${twin.symbol}-USDT`, settle: 'USDT' }
    const quotes = new Map(tickers.quotes)
    quotes.set(usdt.symbol, { ...quotes.get(twin.symbol)!, symbol: usdt.symbol })
    const chain = bybitChain('BTC', [usdt, ...contracts], { ...tickers, quotes })
    const strike = chain.expiries[1]?.strikes.find((s) => s.strike === 100_000)
    expect(strike?.call?.symbol).toBe('BTC-27DEC24-100000-C')
  })

  it('refuses a tickers answer with no usable row', async () => {
    fixtures.failNext({
      status: 200,
      body: JSON.stringify({
        retCode: 0,
        retMsg: 'OK',
        result: { category: 'option', list: [{ symbol: 'BTC-27DEC24-100000-C', markPrice: 'x' }] },
        time: TIME,
      }),
    })
    await expect(adapterFor().optionTickers('BTC')).rejects.toBeInstanceOf(ProviderBadResponseError)
  })
})

describe('option catalog', () => {
  const baseCoins = (list: unknown) => ({
    status: 200,
    body: JSON.stringify({ retCode: 0, retMsg: 'success', result: { list }, time: TIME }),
  })
  const row = (baseCoin: unknown, hasSymbol: unknown) => ({
    baseCoin,
    hasSymbol,
    underlyingType: 0,
  })

  it('lists the base coins with options now, sorted and each once, from one call', async () => {
    const { baseCoins: listed, asOf } = await adapterFor().optionCatalog()
    // The fixture lists BTC twice (USDT and USDC), XRP and XAUT with no options yet.
    expect(listed).toEqual(['BTC', 'ETH', 'SOL'])
    expect(asOf).toBe(bybitEnvelope('option-base-coins.json').time)
    // No underlyingType: every type (crypto, commodities, stocks, ...).
    expect(fixtures.calls.map((call) => call.path)).toEqual(['/v5/market/option-base-coins'])
  })

  it('reads hasSymbol in the string form of other V5 numbers too', async () => {
    fixtures.failNext(baseCoins([row('BTC', '1'), row('ETH', '0')]))
    expect((await adapterFor().optionCatalog()).baseCoins).toEqual(['BTC'])
  })

  it.each([
    ['result.list not a list', { status: 200, body: '{"retCode":0,"result":{"list":{}}}' }, /list/],
    ['an empty list', baseCoins([]), /no base coin has options/],
    ['no coin with options', baseCoins([row('XRP', 0)]), /no base coin has options/],
    ['a row not an object', baseCoins([row('BTC', 1), 'ETH']), /row 1 has no usable baseCoin/],
    ['no baseCoin', baseCoins([row('BTC', 1), { hasSymbol: 1 }]), /row 1 has no usable/],
    ['a baseCoin no id', baseCoins([row('BTC', 1), row('ETH/USDT', 1)]), /row 1 has no usable/],
    ['a spoiled hasSymbol', baseCoins([row('BTC', 1), row('ETH', 'n/a')]), /ETH: hasSymbol "n\/a"/],
    ['hasSymbol not 0 or 1', baseCoins([row('BTC', 1), row('ETH', true)]), /ETH: hasSymbol true/],
  ])('refuses %s: garbage, not an empty or shorter catalog', async (_what, answer, problem) => {
    fixtures.failNext(answer)
    const refused = adapterFor().optionCatalog()
    await expect(refused).rejects.toBeInstanceOf(ProviderBadResponseError)
    await expect(refused).rejects.toThrow(problem)
  })
})
