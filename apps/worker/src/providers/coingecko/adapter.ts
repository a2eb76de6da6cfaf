import { MARKETS_PAGE_SIZE } from '@marketcache/shared/jobs'
import { ProviderBadResponseError } from '../../errors'
import type { CoinGeckoClient } from './client'
import { type CoinRecord, fromCoinDetail, fromMarketRow } from './mapping'
import { fromOhlcRows, OHLC_DAYS, type OhlcInterval, type OhlcRecord } from './ohlc'

/** The documented endpoint templates: names of provider calls in counters, logs and errors. */
export const CoinGeckoEndpoint = {
  coin: '/coins/{id}',
  markets: '/coins/markets',
  ohlc: '/coins/{id}/ohlc',
  list: '/coins/list',
} as const

/** An id the key builder accepts, in CoinGecko's lowercase: others could never be read anyway. */
const LISTED_ID = /^[a-z0-9._-]{1,64}$/

/** The flags that keep `/coins/{id}` to market data: the rest is large and unused. */
const COIN_DETAIL_QUERY = {
  localization: 'false',
  tickers: 'false',
  community_data: 'false',
  developer_data: 'false',
  sparkline: 'false',
}

export type MarketsQuery = { ids: readonly string[] } | { top: number }

export interface MarketsResult {
  records: CoinRecord[]
  /** Rows that failed validation: never cached, reported so they can be logged. */
  skipped: { id: unknown; problem: string }[]
}

/** CoinGecko as the datasets see it: validated coin records, or a provider error. */
export class CoinGeckoAdapter {
  readonly #client: CoinGeckoClient

  constructor(client: CoinGeckoClient) {
    this.#client = client
  }

  /** One `/coins/{id}` call. Throws ProviderBadResponseError if the body fails validation. */
  async coin(id: string): Promise<CoinRecord> {
    const endpoint = CoinGeckoEndpoint.coin
    const body = await this.#client.get(
      endpoint,
      `/coins/${encodeURIComponent(id)}`,
      COIN_DETAIL_QUERY,
    )
    const mapped = fromCoinDetail(id, body)
    if (!mapped.ok) {
      throw new ProviderBadResponseError(`coingecko ${endpoint} for ${id}: ${mapped.problem}`, {
        provider: 'coingecko',
        endpoint,
      })
    }
    return mapped.record
  }

  /**
   * One `/coins/markets` call for up to 250 ids or the top N by market cap. Bad rows are skipped;
   * a body that is not a list, or a list with no usable row, is a bad response.
   */
  async markets(query: MarketsQuery): Promise<MarketsResult> {
    const endpoint = CoinGeckoEndpoint.markets
    const count = 'ids' in query ? query.ids.length : query.top
    if (count < 1 || count > MARKETS_PAGE_SIZE) {
      throw new RangeError(`a markets call covers 1..${MARKETS_PAGE_SIZE} coins, not ${count}`)
    }
    const body = await this.#client.get(endpoint, '/coins/markets', {
      vs_currency: 'usd',
      ...('ids' in query ? { ids: query.ids.join(',') } : {}),
      order: 'market_cap_desc',
      per_page: String(count),
      page: '1',
    })
    const bad = (problem: string) =>
      new ProviderBadResponseError(`coingecko ${endpoint}: ${problem}`, {
        provider: 'coingecko',
        endpoint,
      })
    if (!Array.isArray(body)) throw bad('body is not a list')

    const result: MarketsResult = { records: [], skipped: [] }
    for (const row of body) {
      const mapped = fromMarketRow(row)
      if (mapped.ok) result.records.push(mapped.record)
      else
        result.skipped.push({ id: (row as { id?: unknown } | null)?.id, problem: mapped.problem })
    }
    if (body.length > 0 && result.records.length === 0) {
      throw bad(`none of ${body.length} rows is valid (first: ${result.skipped[0]?.problem})`)
    }
    return result
  }

  /**
   * One `/coins/{id}/ohlc` call for the candles of one interval (USD). An unknown id is
   * CoinGecko's 404, so ProviderNotFoundError; a body that fails validation is a bad response.
   */
  async ohlc(id: string, interval: OhlcInterval): Promise<OhlcRecord> {
    const endpoint = CoinGeckoEndpoint.ohlc
    const body = await this.#client.get(endpoint, `/coins/${encodeURIComponent(id)}/ohlc`, {
      vs_currency: 'usd',
      days: String(OHLC_DAYS[interval]),
    })
    const mapped = fromOhlcRows(id, interval, body)
    if (!mapped.ok) {
      throw new ProviderBadResponseError(`coingecko ${endpoint} for ${id}: ${mapped.problem}`, {
        provider: 'coingecko',
        endpoint,
      })
    }
    return mapped.record
  }

  /**
   * One `/coins/list` call: every id CoinGecko lists, sorted and each once. Rows without a
   * usable id are left out; a body that is not a list, or lists nothing usable, is a bad response.
   */
  async catalog(): Promise<string[]> {
    const endpoint = CoinGeckoEndpoint.list
    const body = await this.#client.get(endpoint, '/coins/list', { include_platform: 'false' })
    const bad = (problem: string) =>
      new ProviderBadResponseError(`coingecko ${endpoint}: ${problem}`, {
        provider: 'coingecko',
        endpoint,
      })
    if (!Array.isArray(body)) throw bad('body is not a list')
    const ids = new Set<string>()
    for (const row of body) {
      const id = (row as { id?: unknown } | null)?.id
      if (typeof id === 'string' && LISTED_ID.test(id)) ids.add(id)
    }
    if (ids.size === 0) throw bad(`none of ${body.length} rows has a usable id`)
    return [...ids].sort()
  }
}
