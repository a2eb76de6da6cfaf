import type { Market } from '../coingecko/market'
import type { EquityMarket } from '../market/equities'
import { AssetClass, type OptionUnderlying } from './underlyings'

/**
 * Spot prices of option underlyings, from the same paths the rest of the simulator quotes:
 * BTC is CoinGecko's bitcoin (so Bybit's BTCUSDT and option index prices agree with it), stocks
 * are the equity market's, frozen outside NYSE sessions.
 */
export class UnderlyingPrices {
  readonly seed: number
  readonly #market: Market
  readonly #equities: EquityMarket

  constructor(seed: number, market: Market, equities: EquityMarket) {
    this.seed = seed
    this.#market = market
    this.#equities = equities
  }

  get tickMs(): number {
    return this.#market.tickMs
  }

  /**
   * The instant option values are computed for at `ms`: the start of its tick (so a tick's
   * answers are identical), moved back to the last close for a stock while NYSE is shut.
   */
  valuationTime(underlying: OptionUnderlying, ms: number): number {
    const tickStart = Math.floor(ms / this.tickMs) * this.tickMs
    return underlying.assetClass === AssetClass.equity
      ? this.#equities.marketTime(tickStart)
      : tickStart
  }

  spotAt(underlying: OptionUnderlying, ms: number): number {
    if (underlying.assetClass === AssetClass.equity) {
      return this.#equities.priceAt(underlying.spotId, ms)
    }
    const price = this.#market.priceAt(underlying.spotId, ms)
    if (price === undefined)
      throw new Error(`no coin ${underlying.spotId} behind ${underlying.symbol}`)
    return price
  }
}
