import { coin } from '@marketcache/shared/datasets/coin'
import { tokenomics } from '@marketcache/shared/datasets/tokenomics'
import { valueProblem } from '@marketcache/shared/schema-check'
import type { Static } from '@sinclair/typebox'

export type CoinValue = Static<typeof coin.value>
export type TokenomicsValue = Static<typeof tokenomics.value>

/** Everything one CoinGecko coin object yields: both datasets, from one provider call. */
export interface CoinRecord {
  /** Canonical coin id (the key's segment). */
  id: string
  coin: CoinValue
  tokenomics: TokenomicsValue
  /** `last_updated` in epoch ms: the envelopes' asOf. */
  asOf: number
}

export type Mapped = { ok: true; record: CoinRecord } | { ok: false; problem: string }

type Json = Record<string, unknown>

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A nullable plain field: absent counts as null, anything else goes to validation as sent. */
function plain(value: unknown): unknown {
  return value === undefined ? null : value
}

/**
 * The USD amount of a currency map. CoinGecko sends `{}` (not null) when it has no figure, e.g.
 * `fully_diluted_valuation`; a non-map goes to validation as sent, so garbage still fails.
 */
function usd(map: unknown): unknown {
  if (map === undefined || map === null) return null
  return isObject(map) ? plain(map.usd) : map
}

/** Validates both values and the timestamp; the first problem wins. */
function finish(id: unknown, coinValue: unknown, tokenomicsValue: unknown): Mapped {
  let canonical: string
  try {
    canonical = coin.parseParams({ id }).id
  } catch {
    return { ok: false, problem: `id ${JSON.stringify(id)} is not a valid coin id` }
  }
  // Checked per coin: a bad `/coins/markets` row is skipped, the other coins are still cached.
  const problem =
    valueProblem(coin.value, coinValue, 'coin') ??
    valueProblem(tokenomics.value, tokenomicsValue, 'tokenomics')
  if (problem !== null) return { ok: false, problem }
  const value = coinValue as CoinValue
  const asOf = Date.parse(value.last_updated)
  if (!Number.isFinite(asOf)) {
    return {
      ok: false,
      problem: `last_updated ${JSON.stringify(value.last_updated)} is not a time`,
    }
  }
  return {
    ok: true,
    record: { id: canonical, coin: value, tokenomics: tokenomicsValue as TokenomicsValue, asOf },
  }
}

/**
 * `GET /coins/{id}`: money comes as currency maps, supplies as plain numbers. Keyed by the id
 * that was asked for, which is the entry readers look up.
 */
export function fromCoinDetail(requestedId: string, body: unknown): Mapped {
  if (!isObject(body)) return { ok: false, problem: 'body is not an object' }
  const market = body.market_data
  if (!isObject(market)) return { ok: false, problem: 'market_data is missing' }
  const lastUpdated = body.last_updated ?? market.last_updated
  const maxSupply = plain(market.max_supply)
  return finish(
    requestedId,
    {
      id: body.id,
      symbol: body.symbol,
      name: body.name,
      currency: 'usd',
      price: usd(market.current_price),
      market_cap: usd(market.market_cap),
      total_volume: usd(market.total_volume),
      price_change_percentage_24h: plain(market.price_change_percentage_24h),
      market_cap_rank: plain(body.market_cap_rank ?? market.market_cap_rank),
      last_updated: lastUpdated,
    },
    {
      id: body.id,
      circulating_supply: plain(market.circulating_supply),
      total_supply: plain(market.total_supply),
      max_supply: maxSupply,
      max_supply_infinite: market.max_supply_infinite ?? maxSupply === null,
      fully_diluted_valuation: usd(market.fully_diluted_valuation),
      last_updated: lastUpdated,
    },
  )
}

/** `GET /coins/markets` row: plain numbers in USD, many nullable. */
export function fromMarketRow(row: unknown): Mapped {
  if (!isObject(row)) return { ok: false, problem: 'row is not an object' }
  const maxSupply = plain(row.max_supply)
  return finish(
    row.id,
    {
      id: row.id,
      symbol: row.symbol,
      name: row.name,
      currency: 'usd',
      price: row.current_price,
      market_cap: plain(row.market_cap),
      total_volume: plain(row.total_volume),
      price_change_percentage_24h: plain(row.price_change_percentage_24h),
      market_cap_rank: plain(row.market_cap_rank),
      last_updated: row.last_updated,
    },
    {
      id: row.id,
      circulating_supply: plain(row.circulating_supply),
      total_supply: plain(row.total_supply),
      max_supply: maxSupply,
      // Markets rows do not carry `max_supply_infinite`. Treating "no cap published" as
      // uncapped is the best reading of a row; `/coins/{id}` reports the provider's own flag
      // (e.g. false for tether), so the two sources can differ for uncapped-but-unknown coins.
      max_supply_infinite: maxSupply === null,
      fully_diluted_valuation: plain(row.fully_diluted_valuation),
      last_updated: row.last_updated,
    },
  )
}
