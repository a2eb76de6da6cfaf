import type { OptionChain } from '@marketcache/shared/datasets/option-chain'
import type { ExpirySummary, OptionsSummary } from '@marketcache/shared/datasets/options-summary'
import type { Static } from '@sinclair/typebox'
import { significant } from './precision'

type ChainExpiry = OptionChain['expiries'][number]
type ChainStrike = ChainExpiry['strikes'][number]
type Quote = NonNullable<ChainStrike['call']>
type Summary = Static<typeof ExpirySummary>

/** The delta of the wings the risk reversal and butterfly are quoted at. */
const WING_DELTA = 0.25

/** Σ put / Σ call of a quote field (nulls count as 0); null when the call side sums to 0. */
export function putCallRatio(
  strikes: readonly ChainStrike[],
  field: 'open_interest' | 'volume',
): number | null {
  let puts = 0
  let calls = 0
  for (const { call, put } of strikes) {
    calls += call?.[field] ?? 0
    puts += put?.[field] ?? 0
  }
  return calls > 0 ? significant(puts / calls) : null
}

/**
 * IV at the strike nearest the underlying price, among strikes quoting at least one IV (a tie
 * goes to the lower strike): the mean of the call's and the put's IV, or the one that exists.
 */
export function atmIv(strikes: readonly ChainStrike[], underlyingPrice: number): number | null {
  let best: { distance: number; ivs: number[] } | null = null
  for (const { strike, call, put } of strikes) {
    const ivs = [call?.iv, put?.iv].filter((iv): iv is number => iv != null)
    const distance = Math.abs(strike - underlyingPrice)
    if (ivs.length > 0 && (best === null || distance < best.distance)) best = { distance, ivs }
  }
  return best === null ? null : significant(best.ivs.reduce((a, b) => a + b, 0) / best.ivs.length)
}

/** The IV of the quote whose delta is nearest `target`, among quotes with both (ties: lower strike). */
export function ivAtDelta(quotes: readonly (Quote | null)[], target: number): number | null {
  let best: { distance: number; iv: number } | null = null
  for (const quote of quotes) {
    if (quote?.delta == null || quote.iv == null) continue
    const distance = Math.abs(quote.delta - target)
    if (best === null || distance < best.distance) best = { distance, iv: quote.iv }
  }
  return best?.iv ?? null
}

/**
 * The listed strike K* where option holders collect least at expiry:
 * argmin Σ_calls OI·max(0, K* − K) + Σ_puts OI·max(0, K − K*) (a tie goes to the lower strike).
 * Null when the expiry has no open interest at all.
 */
export function maxPain(strikes: readonly ChainStrike[]): number | null {
  const interest = (quote: Quote | null) => quote?.open_interest ?? 0
  if (strikes.every(({ call, put }) => interest(call) + interest(put) === 0)) return null
  let best: { pain: number; strike: number } | null = null
  for (const { strike: settle } of strikes) {
    let pain = 0
    for (const { strike, call, put } of strikes) {
      pain +=
        interest(call) * Math.max(0, settle - strike) + interest(put) * Math.max(0, strike - settle)
    }
    if (best === null || pain < best.pain) best = { pain, strike: settle }
  }
  return best?.strike ?? null
}

/** Positioning and volatility figures of one expiry. */
export function summariseExpiry(expiry: ChainExpiry, underlyingPrice: number): Summary {
  const { strikes } = expiry
  const atm = atmIv(strikes, underlyingPrice)
  const call25 = ivAtDelta(
    strikes.map((s) => s.call),
    WING_DELTA,
  )
  const put25 = ivAtDelta(
    strikes.map((s) => s.put),
    -WING_DELTA,
  )
  const wings = call25 !== null && put25 !== null
  return {
    expiry: expiry.expiry,
    days_to_expiry: expiry.days_to_expiry,
    put_call_oi_ratio: putCallRatio(strikes, 'open_interest'),
    put_call_volume_ratio: putCallRatio(strikes, 'volume'),
    atm_iv: atm,
    risk_reversal_25d: wings ? significant(call25 - put25) : null,
    butterfly_25d: wings && atm !== null ? significant((call25 + put25) / 2 - atm) : null,
    max_pain: maxPain(strikes),
  }
}

/** The summary of a whole chain; as of the chain, since it is computed from nothing else. */
export function summariseChain(chain: OptionChain): OptionsSummary {
  const expiries = [...chain.expiries]
    .sort((a, b) => Date.parse(a.expiry) - Date.parse(b.expiry))
    .map((expiry) => summariseExpiry(expiry, chain.underlying_price))
  return {
    exchange: chain.exchange,
    underlying: chain.underlying,
    underlying_price: chain.underlying_price,
    as_of: chain.as_of,
    expiries,
    term_structure: expiries.flatMap(({ days_to_expiry, atm_iv }) =>
      atm_iv === null ? [] : [{ days_to_expiry, atm_iv }],
    ),
  }
}
