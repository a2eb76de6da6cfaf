import { coin } from '@marketcache/shared/datasets/coin'
import { tokenomics } from '@marketcache/shared/datasets/tokenomics'
import { Value } from '@sinclair/typebox/value'
import { describe, expect, it } from 'vitest'
import { fromCoinDetail, fromMarketRow } from '../../../src/providers/coingecko/mapping'
import { fixture } from '../../support/fixture-server'

const json = (name: string) => JSON.parse(fixture(name)) as unknown
const rows = json('markets.json') as Record<string, unknown>[]

describe('fromCoinDetail', () => {
  it('maps currency maps and supplies into both datasets', () => {
    const mapped = fromCoinDetail('bitcoin', json('coin-bitcoin.json'))
    expect(mapped.ok).toBe(true)
    if (!mapped.ok) return
    expect(mapped.record.id).toBe('bitcoin')
    expect(mapped.record.asOf).toBe(Date.parse('2025-11-20T12:00:05.123Z'))
    expect(mapped.record.coin).toEqual({
      id: 'bitcoin',
      symbol: 'btc',
      name: 'Bitcoin',
      currency: 'usd',
      price: 91234.5,
      market_cap: 1820123456789,
      total_volume: 45123456789,
      price_change_percentage_24h: 1.37,
      market_cap_rank: 1,
      last_updated: '2025-11-20T12:00:05.123Z',
    })
    expect(mapped.record.tokenomics).toEqual({
      id: 'bitcoin',
      circulating_supply: 19950000,
      total_supply: 19950000,
      max_supply: 21000000,
      max_supply_infinite: false,
      fully_diluted_valuation: 1915924500000,
      last_updated: '2025-11-20T12:00:05.123Z',
    })
    expect(Value.Check(coin.value, mapped.record.coin)).toBe(true)
    expect(Value.Check(tokenomics.value, mapped.record.tokenomics)).toBe(true)
  })

  it('reads an empty FDV map and a null max supply as null', () => {
    const mapped = fromCoinDetail('tether', json('coin-tether.json'))
    expect(mapped.ok && mapped.record.tokenomics).toMatchObject({
      fully_diluted_valuation: null,
      max_supply: null,
      max_supply_infinite: false,
    })
    expect(mapped.ok && mapped.record.coin.price_change_percentage_24h).toBeNull()
  })

  it('accepts a coin without rank, volume or max_supply_infinite', () => {
    const mapped = fromCoinDetail('unranked-token', json('coin-unranked.json'))
    expect(mapped.ok).toBe(true)
    if (!mapped.ok) return
    expect(mapped.record.coin).toMatchObject({ market_cap_rank: null, total_volume: null })
    expect(mapped.record.tokenomics).toMatchObject({
      max_supply_infinite: true,
      total_supply: null,
    })
  })

  it('rejects a body without market_data (the simulator’s "shape" fault)', () => {
    const { market_data: _dropped, ...rest } = json('coin-bitcoin.json') as Record<string, unknown>
    expect(fromCoinDetail('bitcoin', rest)).toEqual({
      ok: false,
      problem: 'market_data is missing',
    })
  })

  it('rejects non-numeric prices and unreadable timestamps', () => {
    const body = json('coin-bitcoin.json') as { market_data: Record<string, unknown> }
    body.market_data.current_price = { usd: 'n/a' }
    expect(fromCoinDetail('bitcoin', body).ok).toBe(false)

    const late = json('coin-bitcoin.json') as Record<string, unknown>
    late.last_updated = 'yesterday'
    const mapped = fromCoinDetail('bitcoin', late)
    expect(mapped.ok).toBe(false)
  })
})

describe('fromMarketRow', () => {
  it('maps plain numbers and derives max_supply_infinite from a null max_supply', () => {
    const [bitcoin, ethereum] = rows.map((row) => fromMarketRow(row))
    expect(bitcoin?.ok && bitcoin.record.tokenomics).toMatchObject({
      max_supply: 21000000,
      max_supply_infinite: false,
    })
    expect(ethereum?.ok && ethereum.record.tokenomics).toMatchObject({
      max_supply: null,
      max_supply_infinite: true,
    })
    expect(ethereum?.ok && ethereum.record.coin.price).toBe(3012.4)
  })

  it('keeps nullable fields null', () => {
    const tether = fromMarketRow(rows[2])
    expect(tether.ok && tether.record.coin.price_change_percentage_24h).toBeNull()
    expect(tether.ok && tether.record.tokenomics.fully_diluted_valuation).toBeNull()
  })

  it('rejects a row with non-numeric strings where numbers belong', () => {
    const broken = fromMarketRow(rows[3])
    expect(broken.ok).toBe(false)
  })

  it('rejects a row whose id could not be a key segment', () => {
    expect(fromMarketRow({ ...rows[0], id: 'evil:*' }).ok).toBe(false)
  })
})
