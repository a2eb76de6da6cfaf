import { cryptoExpiries, type Expiry, equityExpiries } from './expiries'
import { strikeLadder } from './strikes'
import type { UnderlyingPrices } from './underlying-prices'
import { AssetClass, type OptionUnderlying } from './underlyings'

const YEAR_MS = 365 * 86_400_000

/** One live expiry with its strikes; calls and puts exist at every strike. */
export interface ChainExpiry extends Expiry {
  readonly strikes: readonly number[]
}

/** Every live contract of one underlying, expiries in time order, strikes ascending. */
export interface OptionChain {
  readonly underlying: OptionUnderlying
  readonly expiries: readonly ChainExpiry[]
}

/**
 * The chain live at `now`. Strikes are laid out around the forward at listing time, so they
 * depend only on the expiry: a contract keeps its strike (and any id derived from it) for life.
 */
export function optionChain(
  prices: UnderlyingPrices,
  underlying: OptionUnderlying,
  now: number,
): OptionChain {
  // The calendar runs on the clock, not on market time: Friday's expiry is gone on Saturday.
  const tickStart = Math.floor(now / prices.tickMs) * prices.tickMs
  const calendar = underlying.assetClass === AssetClass.crypto ? cryptoExpiries : equityExpiries
  const expiries = calendar(tickStart).map((expiry) => {
    const listedAt = prices.valuationTime(underlying, expiry.listedAt)
    const years = (expiry.at - listedAt) / YEAR_MS
    const forward =
      prices.spotAt(underlying, listedAt) *
      Math.exp((underlying.rate - underlying.dividendYield) * years)
    const width = underlying.smile.atmVol * Math.sqrt(years)
    return { ...expiry, strikes: strikeLadder(forward, width, underlying.strikeSteps) }
  })
  return { underlying, expiries }
}
