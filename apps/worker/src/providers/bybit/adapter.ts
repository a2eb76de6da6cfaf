import type { InstrumentsValue } from '@marketcache/shared/datasets/instruments'
import type { Ohlcv } from '@marketcache/shared/datasets/ohlcv'
import type { Interval } from '@marketcache/shared/intervals'
import type { Static } from '@sinclair/typebox'
import type { Logger } from '../../logger'
import { type BybitClient, BybitEndpoint } from './client'
import { badResponse, nothingListed } from './errors'
import { instrumentPages, listOf, MAX_LIMIT, spotPairs } from './instrument-pages'
import {
  chainUnderlyingPrice,
  type Mapped,
  type Quote,
  type Spot,
  type TickerQuote,
  toCandle,
  toQuote,
  toSpot,
} from './mapping'
import { optionBaseCoins } from './option-base-coins'
import { parseOptionSymbol } from './symbols'

export type Instruments = Static<typeof InstrumentsValue>

/** Bybit's names for the candle intervals clients use. */
export const BYBIT_INTERVAL: Record<Interval, string> = {
  '1m': '1',
  '5m': '5',
  '15m': '15',
  '30m': '30',
  '1h': '60',
  '4h': '240',
  '1d': 'D',
  '1w': 'W',
}

/** How many skipped-row problems one log line carries. */
const LOGGED_PROBLEMS = 5

export interface BybitAdapterOptions {
  logger: Logger
  /** Rows per instruments-info page. @defaultValue 1000 */
  pageSize?: number
  /** Only when Bybit sends no `time`. @defaultValue Date.now */
  now?: () => number
}

export interface SpotResult {
  records: Spot[]
  /** Requested symbols the provider does not list. */
  missing: string[]
  asOf: number
}

export interface OptionTickersResult {
  /** Keyed by option symbol. */
  quotes: Map<string, Quote>
  /** The index price, or failing that the nearest expiry's underlying price. */
  underlyingPrice: number
  asOf: number
}

/** Bybit V5 as the datasets see it: validated values, or a provider error. */
export class BybitAdapter {
  readonly #client: BybitClient
  readonly #logger: Logger
  readonly #pageSize: number
  readonly #now: () => number

  constructor(client: BybitClient, options: BybitAdapterOptions) {
    this.#client = client
    this.#logger = options.logger
    this.#pageSize = Math.min(MAX_LIMIT, Math.max(1, options.pageSize ?? MAX_LIMIT))
    this.#now = options.now ?? Date.now
  }

  /**
   * Spot tickers: one `symbol=` call for one symbol (an unknown one is not found), one unfiltered
   * call for several, keeping the requested ones; those absent come back in `missing`.
   */
  async spot(symbols: readonly string[]): Promise<SpotResult> {
    const wanted = [...new Set(symbols)]
    const single = wanted.length === 1 ? wanted[0] : undefined
    if (wanted.length === 0) throw new RangeError('a spot call needs at least one symbol')
    const endpoint = BybitEndpoint.tickers
    const answer = await this.#client.get(endpoint, {
      category: 'spot',
      ...(single === undefined ? {} : { symbol: single }),
    })
    const list = listOf(answer, endpoint)
    const asOf = answer.time ?? this.#now()
    const requested = new Set(wanted)
    const seen = new Set<string>()
    const records: Spot[] = []
    const skipped: string[] = []
    for (const row of list) {
      const symbol = (row as { symbol?: unknown } | null)?.symbol
      if (typeof symbol !== 'string' || !requested.has(symbol) || seen.has(symbol)) continue
      seen.add(symbol)
      collect(toSpot(row, asOf), records, skipped)
    }
    this.#logSkipped(endpoint, skipped)
    const missing = wanted.filter((symbol) => !seen.has(symbol))
    if (single !== undefined && missing.length > 0) throw nothingListed(endpoint, `spot ${single}`)
    if (single === undefined && list.length === 0)
      throw badResponse(endpoint, 'the spot list is empty')
    if (seen.size > 0 && records.length === 0)
      throw badResponse(endpoint, `no valid row (${skipped[0]})`)
    return { records, missing, asOf }
  }

  /** Every option listed on `baseCoin`, once each, following `nextPageCursor` to the end. */
  async instruments(baseCoin: string): Promise<{ value: Instruments; asOf: number }> {
    const endpoint = BybitEndpoint.instruments
    const pages = await instrumentPages(this.#client, baseCoin, this.#pageSize)
    this.#logSkipped(endpoint, pages.skipped)
    if (pages.rows === 0) throw nothingListed(endpoint, `options on ${baseCoin}`)
    if (pages.contracts.length === 0) {
      throw badResponse(endpoint, `no valid instrument (${pages.skipped[0]})`)
    }
    const listed = [...pages.contracts].sort(
      (a, b) =>
        Date.parse(a.expiry) - Date.parse(b.expiry) ||
        a.strike - b.strike ||
        a.right.localeCompare(b.right),
    )
    const asOf = pages.asOf > 0 ? pages.asOf : this.#now()
    return {
      asOf,
      value: {
        exchange: 'bybit',
        underlying: baseCoin,
        underlying_id: null,
        expiries: [...new Set(listed.map((contract) => contract.expiry))],
        contracts: listed,
        as_of: new Date(asOf).toISOString(),
      },
    }
  }

  /** Every spot pair Bybit lists, sorted: the `bybit-spot` catalog. */
  async spotCatalog(): Promise<{ symbols: string[]; asOf: number }> {
    const { symbols, asOf } = await spotPairs(this.#client)
    return { symbols, asOf: asOf > 0 ? asOf : this.#now() }
  }

  /** Every base coin with options tradable now, sorted: the `bybit-options` catalog. */
  async optionCatalog(): Promise<{ baseCoins: string[]; asOf: number }> {
    const { baseCoins, asOf } = await optionBaseCoins(this.#client)
    return { baseCoins, asOf: asOf > 0 ? asOf : this.#now() }
  }

  /** One tickers call for every option on `baseCoin`. */
  async optionTickers(baseCoin: string): Promise<OptionTickersResult> {
    const endpoint = BybitEndpoint.tickers
    const answer = await this.#client.get(endpoint, { category: 'option', baseCoin })
    const list = listOf(answer, endpoint)
    if (list.length === 0) throw nothingListed(endpoint, `options on ${baseCoin}`)
    const rows: TickerQuote[] = []
    const skipped: string[] = []
    for (const row of list) collect(toQuote(row), rows, skipped)
    this.#logSkipped(endpoint, skipped)
    const ours = rows.filter((row) => parseOptionSymbol(row.quote.symbol)?.underlying === baseCoin)
    if (ours.length === 0)
      throw badResponse(endpoint, `no valid ticker (${skipped[0] ?? 'other coins'})`)

    const underlyingPrice = chainUnderlyingPrice(ours)
    if (underlyingPrice === null) throw badResponse(endpoint, 'no index or underlying price')
    return {
      quotes: new Map(ours.map((row) => [row.quote.symbol, row.quote])),
      underlyingPrice,
      asOf: answer.time ?? this.#now(),
    }
  }

  /**
   * The latest 1000 candles of a pair, ascending. Spot pairs come from `category=spot`; `…PERP`
   * pairs exist only as USDC perpetuals, so they come from `linear`.
   */
  async klines(symbol: string, interval: Interval): Promise<{ value: Ohlcv; asOf: number }> {
    const endpoint = BybitEndpoint.kline
    const answer = await this.#client.get(endpoint, {
      category: symbol.endsWith('PERP') ? 'linear' : 'spot',
      symbol,
      interval: BYBIT_INTERVAL[interval],
      limit: String(MAX_LIMIT),
    })
    const list = listOf(answer, endpoint)
    if (list.length === 0) throw nothingListed(endpoint, `candles of ${symbol}`)
    const byTime = new Map<number, Ohlcv['candles'][number]>()
    const skipped: string[] = []
    for (const row of list) {
      const mapped = toCandle(row)
      if (!mapped.ok) skipped.push(mapped.problem)
      else if (!byTime.has(mapped.value.t)) byTime.set(mapped.value.t, mapped.value)
    }
    this.#logSkipped(endpoint, skipped)
    // Bybit sends newest first; the dataset is ascending.
    const candles = [...byTime.values()].sort((a, b) => a.t - b.t)
    const newest = candles.at(-1)
    if (newest === undefined) throw badResponse(endpoint, `no valid candle (${skipped[0]})`)
    const asOf = answer.time ?? newest.t
    return {
      asOf,
      value: { exchange: 'bybit', symbol, interval, candles, as_of: new Date(asOf).toISOString() },
    }
  }

  #logSkipped(endpoint: string, problems: readonly string[]): void {
    if (problems.length === 0) return
    this.#logger.warn(
      {
        provider: 'bybit',
        endpoint,
        skipped: problems.length,
        problems: problems.slice(0, LOGGED_PROBLEMS),
      },
      'provider rows skipped',
    )
  }
}

function collect<T>(mapped: Mapped<T>, into: T[], skipped: string[]): void {
  if (mapped.ok) into.push(mapped.value)
  else skipped.push(mapped.problem)
}
