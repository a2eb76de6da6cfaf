import type { instruments } from '@marketcache/shared/datasets/instruments'
import type { OptionChain } from '@marketcache/shared/datasets/option-chain'
import type { quote } from '@marketcache/shared/datasets/quote'
import type { spot } from '@marketcache/shared/datasets/spot'
import type { Static } from '@sinclair/typebox'
import { assembleChain } from '../chain-assembly'
import type { SnapshotRow } from './fields'

export type SpotValue = Static<typeof spot.value>
export type InstrumentsValue = Static<typeof instruments.value>
export type QuoteValue = Static<typeof quote.value>
type OptionQuote = NonNullable<OptionChain['expiries'][number]['strikes'][number]['call']>

/** The middle of a two-sided quote; null when a side is missing or the quote is crossed. */
export function midOf(row: SnapshotRow): number | null {
  return row.bid !== null && row.ask !== null && row.ask >= row.bid ? (row.bid + row.ask) / 2 : null
}

/** What an underlying is worth now: the last trade (or close), else the mid. */
export function priceOf(row: SnapshotRow | undefined): number | null {
  if (row === undefined) return null
  return row.last !== null && row.last > 0 ? row.last : midOf(row)
}

/** The provider's time for a row (`_updated`), else `fallback`. */
export function asOfOf(rows: Iterable<SnapshotRow>, fallback: number): number {
  let latest = 0
  for (const row of rows) latest = Math.max(latest, row.updated ?? 0)
  return latest > 0 ? latest : fallback
}

/** A stock snapshot as a `spot` value; null when it carries no price at all. */
export function spotValueOf(symbol: string, row: SnapshotRow, now: number): SpotValue | null {
  const price = priceOf(row)
  if (price === null) return null
  return {
    exchange: 'ibkr',
    symbol,
    price,
    bid: row.bid,
    ask: row.ask,
    change_24h_pct: row.changePct,
    high_24h: row.high,
    low_24h: row.low,
    volume_24h: row.volume,
    as_of: new Date(row.updated ?? now).toISOString(),
  }
}

/** Any contract's snapshot as a `quote` value: what it is, its market, and greeks for options. */
export function quoteValueOf(row: SnapshotRow, now: number): QuoteValue {
  return {
    exchange: 'ibkr',
    conid: row.conid,
    symbol: row.symbol,
    sec_type: row.secType,
    underlying_conid: row.underlyingConid,
    price: priceOf(row),
    last: row.last,
    last_is_close: row.lastIsClose,
    bid: row.bid,
    ask: row.ask,
    bid_size: row.bidSize,
    ask_size: row.askSize,
    high: row.high,
    low: row.low,
    volume: row.volume,
    change_pct: row.changePct,
    delta: row.delta,
    gamma: row.gamma,
    theta: row.theta,
    vega: row.vega,
    implied_vol: row.impliedVol,
    open_interest: row.openInterest,
    as_of: new Date(row.updated ?? now).toISOString(),
  }
}

/** One option's snapshot as a chain quote: mark is the mid, else the last trade. */
export function optionQuoteOf(row: SnapshotRow): OptionQuote {
  return {
    symbol: row.conid,
    bid: row.bid,
    ask: row.ask,
    mark: midOf(row) ?? row.last,
    iv: row.impliedVol,
    delta: row.delta,
    gamma: row.gamma,
    vega: row.vega,
    theta: row.theta,
    open_interest: row.openInterest,
    volume: row.volume,
  }
}

/**
 * The chain of qualified contracts priced by one round of snapshots: the stock's row gives the
 * underlying price, option rows the quotes; contracts without a quote are left out.
 */
export function chainOf(
  qualified: InstrumentsValue,
  rows: ReadonlyMap<string, SnapshotRow>,
  now: number,
): { chain: OptionChain; asOf: number } | null {
  const stock = qualified.underlying_id === null ? undefined : rows.get(qualified.underlying_id)
  const underlyingPrice = priceOf(stock)
  if (underlyingPrice === null || underlyingPrice <= 0) return null
  const quotes = new Map<string, OptionQuote>()
  for (const contract of qualified.contracts) {
    const row = rows.get(contract.symbol)
    if (row !== undefined) quotes.set(contract.symbol, optionQuoteOf(row))
  }
  const asOf = asOfOf(rows.values(), now)
  const chain = assembleChain({
    exchange: 'ibkr',
    underlying: qualified.underlying,
    underlyingPrice,
    contracts: qualified.contracts,
    quotes,
    asOf,
  })
  return { chain, asOf }
}
