import { describe, expect, it } from 'vitest'
import { START_MS, startSimulator, TICK_MS } from '../simulator-fixture'

/** A currency map; the simulator always prices in at least these. */
type Money = Record<string, number> & { usd: number; eur: number; btc: number }

interface CoinBody {
  id: string
  symbol: string
  name: string
  market_cap_rank: number
  last_updated: string
  market_data: {
    current_price: Money
    market_cap: Money
    total_volume: Money
    fully_diluted_valuation: Money | Record<string, never>
    price_change_percentage_24h: number
    market_cap_rank: number
    circulating_supply: number
    total_supply: number | null
    max_supply: number | null
    max_supply_infinite: boolean
    last_updated: string
  }
}

const FLAGS =
  'localization=false&tickers=false&community_data=false&developer_data=false&sparkline=false'

describe('GET /api/v3/coins/{id}', () => {
  it('answers bitcoin with currency maps and plain-number supplies', async () => {
    const { get } = await startSimulator()
    const response = await get(`/api/v3/coins/bitcoin?${FLAGS}`)

    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toMatch(/^application\/json/)
    const coin = response.json<CoinBody>()
    expect(coin).toMatchObject({
      id: 'bitcoin',
      symbol: 'btc',
      name: 'Bitcoin',
      market_cap_rank: 1,
    })
    const data = coin.market_data
    for (const map of [
      data.current_price,
      data.market_cap,
      data.total_volume,
      data.fully_diluted_valuation,
    ]) {
      for (const currency of ['usd', 'eur', 'btc']) {
        expect(map[currency]).toBeTypeOf('number')
        expect(map[currency]).toBeGreaterThan(0)
      }
    }
    expect(data.current_price.usd).toBeGreaterThan(50_000)
    expect(data.current_price.usd).toBeLessThan(150_000)
    expect(data.current_price.btc).toBe(1)
    expect(data).toMatchObject({
      max_supply: 21_000_000,
      max_supply_infinite: false,
      market_cap_rank: 1,
    })
    expect(data.circulating_supply).toBeTypeOf('number')
    expect(data.total_supply).toBeTypeOf('number')
    expect(data.price_change_percentage_24h).toBeTypeOf('number')
    expect(data.market_cap.usd / (data.current_price.usd * data.circulating_supply)).toBeCloseTo(
      1,
      5,
    )
    expect(data.fully_diluted_valuation.usd / (data.current_price.usd * 21_000_000)).toBeCloseTo(
      1,
      5,
    )
  })

  it('reports no max supply for ethereum, which is uncapped', async () => {
    const { json } = await startSimulator()
    const { market_data } = await json<CoinBody>('/api/v3/coins/ethereum')

    expect(market_data.max_supply).toBeNull()
    expect(market_data.max_supply_infinite).toBe(true)
    expect(market_data.fully_diluted_valuation.usd).toBeGreaterThan(0)
  })

  it('sends an empty FDV map for an uncapped coin without a total supply', async () => {
    const { json } = await startSimulator()
    const { market_data } = await json<CoinBody>('/api/v3/coins/simcoin-001')

    expect(market_data).toMatchObject({
      max_supply: null,
      total_supply: null,
      max_supply_infinite: true,
    })
    expect(market_data.fully_diluted_valuation).toEqual({})
  })

  it('answers 404 with CoinGecko’s body for an unknown id', async () => {
    const { get } = await startSimulator()
    const response = await get('/api/v3/coins/no-such-coin')

    expect(response.statusCode).toBe(404)
    expect(response.json()).toEqual({ error: 'coin not found' })
  })

  it('returns the same body within a tick and a later last_updated in the next', async () => {
    const { get, clock } = await startSimulator()
    const first = await get('/api/v3/coins/solana')
    clock.advance(1_000)
    const sameTick = await get('/api/v3/coins/solana')
    clock.advance(TICK_MS)
    const nextTick = await get('/api/v3/coins/solana')

    expect(sameTick.body).toBe(first.body)
    const tickStart = Math.floor(START_MS / TICK_MS) * TICK_MS
    expect(first.json<CoinBody>().last_updated).toBe(new Date(tickStart).toISOString())
    expect(first.json<CoinBody>().market_data.last_updated).toBe(new Date(tickStart).toISOString())
    const later = nextTick.json<CoinBody>()
    expect(Date.parse(later.last_updated)).toBe(tickStart + TICK_MS)
    expect(later.market_data.current_price.usd).not.toBe(
      first.json<CoinBody>().market_data.current_price.usd,
    )
  })

  it('builds the same market from the same seed and a different one from another', async () => {
    const a = await startSimulator({ seed: 7 })
    const b = await startSimulator({ seed: 7 })
    const c = await startSimulator({ seed: 8 })
    const url = '/api/v3/coins/simcoin-042'

    expect((await b.get(url)).body).toBe((await a.get(url)).body)
    expect((await c.get(url)).body).not.toBe((await a.get(url)).body)
  })
})

/**
 * `CoinGetIDResponse` of the official CoinGecko TypeScript SDK (8.2): its top-level fields that
 * are not optional. The optional ones are `localization`, `tickers`, `market_data`,
 * `categories_details` and `ico_data`.
 */
const SDK_REQUIRED = [
  'id',
  'additional_notices',
  'asset_platform_id',
  'block_time_in_minutes',
  'categories',
  'country_origin',
  'description',
  'detail_platforms',
  'genesis_date',
  'has_supply_breakdown',
  'hashing_algorithm',
  'image',
  'last_updated',
  'links',
  'market_cap_rank',
  'market_cap_rank_with_rehypothecated',
  'name',
  'platforms',
  'preview_listing',
  'public_notice',
  'sentiment_votes_down_percentage',
  'sentiment_votes_up_percentage',
  'status_updates',
  'symbol',
  'watchlist_portfolio_users',
  'web_slug',
]

interface Ticker {
  base: string
  target: string
  market: { identifier: string }
  last: number
  converted_last: { usd: number }
  coin_id: string
}

type Detail = Record<string, unknown> & {
  localization?: Record<string, string>
  description: Record<string, string>
  tickers?: Ticker[]
  market_data?: CoinBody['market_data'] & { sparkline_7d?: { price: number[] } }
  sentiment_votes_up_percentage: number
  sentiment_votes_down_percentage: number
}

describe('GET /api/v3/coins/{id}: what the CoinGecko SDK expects', () => {
  it('sends every required field, and the blocks CoinGecko includes by default', async () => {
    const { json } = await startSimulator()
    const coin = await json<Detail>('/api/v3/coins/bitcoin')

    expect(Object.keys(coin).sort()).toEqual(
      [...SDK_REQUIRED, 'localization', 'market_data', 'tickers'].sort(),
    )
    expect(coin).toMatchObject({
      hashing_algorithm: 'SHA-256',
      block_time_in_minutes: 10,
      genesis_date: '2009-01-03',
      preview_listing: false,
      public_notice: null,
      additional_notices: [],
      status_updates: [],
      links: { homepage: [expect.any(String)], repos_url: { github: [], bitbucket: [] } },
    })
    expect(coin.localization).toMatchObject({ en: 'Bitcoin', de: 'Bitcoin', ja: 'Bitcoin' })
    expect(Object.keys(coin.description).sort()).toEqual(
      Object.keys(coin.localization ?? {}).sort(),
    )
    expect(coin.sentiment_votes_up_percentage + coin.sentiment_votes_down_percentage).toBeCloseTo(
      100,
      6,
    )
    expect(coin.watchlist_portfolio_users).toBeGreaterThan(100_000)
    // Its ticker is Bybit's BTCUSDT, at the coin's price.
    expect(coin.tickers).toEqual([
      expect.objectContaining({ base: 'BTC', target: 'USDT', coin_id: 'bitcoin' }),
    ])
    expect(coin.tickers?.[0]?.market.identifier).toBe('bybit_spot')
    expect(coin.tickers?.[0]?.last).toBe(coin.market_data?.current_price.usd)
  })

  it('answers the worker’s flags with a lean body: no tickers, no localization', async () => {
    const { json } = await startSimulator()
    const coin = await json<Detail>(`/api/v3/coins/bitcoin?${FLAGS}`)

    expect(Object.keys(coin).sort()).toEqual([...SDK_REQUIRED, 'market_data'].sort())
    expect(Object.keys(coin.description)).toEqual(['en'])
    expect(coin.market_data?.sparkline_7d).toBeUndefined()
  })

  it('reads each flag on its own, and takes community and developer data as no-ops', async () => {
    const { json } = await startSimulator()
    const keys = async (query: string) =>
      Object.keys(await json<Detail>(`/api/v3/coins/ethereum?${query}`))
    const all = await keys('')

    expect(await keys('tickers=false')).toEqual(all.filter((key) => key !== 'tickers'))
    expect(await keys('localization=FALSE')).toEqual(all.filter((key) => key !== 'localization'))
    expect(await keys('market_data=false')).toEqual(all.filter((key) => key !== 'market_data'))
    // CoinGecko no longer returns these blocks, whatever the flag says.
    expect(await keys('community_data=true&developer_data=true')).toEqual(all)
    expect(await keys('include_categories_details=true')).toContain('categories_details')
    const { market_data } = await json<Detail>('/api/v3/coins/ethereum?sparkline=true')
    expect(market_data?.sparkline_7d?.price).toHaveLength(168)
    expect(market_data?.sparkline_7d?.price.at(-1)).toBe(market_data?.current_price.usd)
  })

  it('lists no ticker for a coin Bybit does not trade', async () => {
    const { json } = await startSimulator()
    const coin = await json<Detail>('/api/v3/coins/simcoin-200')

    expect(coin.tickers).toEqual([])
    expect(coin).toMatchObject({ hashing_algorithm: null, block_time_in_minutes: 0 })
  })
})
