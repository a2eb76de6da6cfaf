import { toTick } from '../market/ticks'
import { hashSeed, noiseAt } from '../prng'
import {
  type Greeks,
  impliedVol,
  type OptionRight,
  optionGreeks,
  optionPrice,
  type PricingInput,
} from './black-scholes'
import type { ChainExpiry } from './chain'
import type { ExpiryKind } from './expiries'
import type { UnderlyingPrices } from './underlying-prices'
import { type OptionUnderlying, smileVol } from './underlyings'

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS
const YEAR_MS = 365 * DAY_MS
/** Floor on time to expiry, so a contract in its last tick still has finite greeks. */
const MIN_LIFE_MS = 60_000

export interface OptionContract {
  readonly underlying: OptionUnderlying
  readonly expiry: ChainExpiry
  readonly strike: number
  readonly right: OptionRight
}

/** One contract's market at one instant. Prices are per unit of the underlying (1 coin, 1 share). */
export interface OptionQuote {
  readonly contract: OptionContract
  /** The instant valued: see `UnderlyingPrices.valuationTime`. */
  readonly valuedAt: number
  readonly spot: number
  readonly forward: number
  readonly years: number
  /** The smile's volatility at this strike, which the mark is priced with. */
  readonly markIv: number
  readonly mark: number
  /** Undefined when nobody bids: deep out of the money, or worth under two ticks. */
  readonly bid: number | undefined
  readonly bidSize: number
  readonly bidIv: number | undefined
  readonly ask: number
  readonly askSize: number
  readonly askIv: number | undefined
  readonly last: number
  readonly greeks: Greeks
  readonly openInterest: number
  readonly volume24h: number
  /** The mark 24 hours before `valuedAt`. */
  readonly markDayAgo: number
  readonly high24h: number
  readonly low24h: number
}

/** Busier expiries carry more open interest. */
const KIND_WEIGHT: Record<ExpiryKind, number> = {
  daily: 0.3,
  weekly: 0.6,
  monthly: 1,
  quarterly: 1.6,
}

export function contractKey(contract: OptionContract): string {
  const { underlying, expiry, strike, right } = contract
  return `${underlying.symbol}|${expiry.at}|${strike}|${right}`
}

/** Black–Scholes inputs for a contract as valued at `ms`, volatility from the smile. */
export function pricingInput(
  prices: UnderlyingPrices,
  contract: OptionContract,
  ms: number,
): PricingInput {
  const { underlying, expiry, strike, right } = contract
  const valuedAt = prices.valuationTime(underlying, ms)
  const years = Math.max(expiry.at - valuedAt, MIN_LIFE_MS) / YEAR_MS
  const spot = prices.spotAt(underlying, valuedAt)
  const { rate, dividendYield } = underlying
  const forward = spot * Math.exp((rate - dividendYield) * years)
  const vol = smileVol(underlying.smile, forward, strike)
  return { spot, strike, years, vol, rate, dividendYield, right }
}

/** The model price of a contract as valued at `ms`. */
export function markAt(prices: UnderlyingPrices, contract: OptionContract, ms: number): number {
  return optionPrice(pricingInput(prices, contract, ms))
}

/** Bid and ask around the mark: at least a tick either side, wider away from the money. */
function bookAround(
  mark: number,
  at: {
    greeks: ReturnType<typeof optionGreeks>
    tick: number
    away: number
    spot: number
    underlying: OptionContract['underlying']
  },
): { bid: number | undefined; ask: number } {
  const { greeks, tick, away, spot } = at
  const { volPoints, spotFraction } = at.underlying.quoteWidth
  const halfSpread = Math.max(
    tick,
    greeks.vega * volPoints * (1 + Math.min(away, 4) / 2) +
      spotFraction * Math.abs(greeks.delta) * spot,
  )
  const noBid = mark < 2 * tick || Math.abs(greeks.delta) < 0.005
  const floorBid = toTick(mark - halfSpread, tick, Math.floor)
  const bid = noBid || floorBid < tick ? undefined : floorBid
  return { bid, ask: Math.max(tick, toTick(mark + halfSpread, tick, Math.ceil)) }
}

/**
 * A contract's quote at `now`: mark and greeks from Black–Scholes on the smile, a bid/ask
 * around the mark (at least a tick either side, wider away from the money), and
 * deterministic sizes, open interest and volume.
 */
export function quoteOption(
  prices: UnderlyingPrices,
  contract: OptionContract,
  now: number,
): OptionQuote {
  const { underlying, strike } = contract
  const input = pricingInput(prices, contract, now)
  const valuedAt = prices.valuationTime(underlying, now)
  const forward = input.spot * Math.exp((input.rate - input.dividendYield) * input.years)
  const mark = optionPrice(input)
  const greeks = optionGreeks(input)
  const tick = underlying.tickFor(mark)
  // Distance from the money in standard deviations; the book thins out with it.
  const away = Math.abs(Math.log(strike / forward)) / (input.vol * Math.sqrt(input.years))
  const { bid, ask } = bookAround(mark, { greeks, tick, away, spot: input.spot, underlying })

  const key = contractKey(contract)
  const unit = (label: string, index = 0) => noiseAt(hashSeed(prices.seed, label, key), index)
  const lots = (amount: number) =>
    toTick(Math.max(underlying.qtyStep, amount), underlying.qtyStep, Math.round)
  const day = Math.floor(valuedAt / DAY_MS)
  const bell = Math.exp((-away * away) / 8)
  const openInterest = lots(
    underlying.openInterestScale *
      KIND_WEIGHT[contract.expiry.kind] *
      bell *
      (0.3 + 1.4 * unit('oi')),
  )
  const clip = underlying.openInterestScale * 0.02
  const { vol: _markVol, ...withoutVol } = input

  const history = [0, 4, 8, 12, 16, 20, 24].map((hours) =>
    markAt(prices, contract, valuedAt - hours * HOUR_MS),
  )
  const last = Math.max(
    tick,
    toTick(mark * (1 + 0.02 * (unit('last', day) - 0.5)), tick, Math.round),
  )
  return {
    contract,
    valuedAt,
    spot: input.spot,
    forward,
    years: input.years,
    markIv: input.vol,
    mark,
    bid,
    bidSize: bid === undefined ? 0 : lots(clip * (0.2 + unit('bid size', day))),
    bidIv: bid === undefined ? undefined : impliedVol(bid, withoutVol, input.vol),
    ask,
    askSize: lots(clip * (0.2 + unit('ask size', day))),
    askIv: impliedVol(ask, withoutVol, input.vol),
    last,
    greeks,
    openInterest,
    volume24h: lots(openInterest * (0.02 + 0.25 * unit('volume', day))),
    markDayAgo: history[history.length - 1] ?? mark,
    high24h: toTick(Math.max(last, ...history), tick, Math.ceil),
    // Nothing trades below one tick, however little the model says the option is worth.
    low24h: Math.max(tick, toTick(Math.min(last, ...history), tick, Math.floor)),
  }
}
