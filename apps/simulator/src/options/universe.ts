import { Market } from '../coingecko/market'
import { EquityMarket } from '../market/equities'
import { OptionBoard } from './board'
import type { OptionChain } from './chain'
import type { OptionQuote } from './quotes'
import { UnderlyingPrices } from './underlying-prices'
import { OPTION_UNDERLYINGS } from './underlyings'

/** The tick the simulator runs with unless told otherwise. */
const DEFAULT_TICK_MS = 10_000

export interface UnderlyingOptions {
  readonly chain: OptionChain
  readonly quotes: readonly OptionQuote[]
}

/** A board over fresh markets for a seed; what `buildSimulator` wires into its routes. */
export function optionBoard(seed: number, tickMs = DEFAULT_TICK_MS): OptionBoard {
  const prices = new UnderlyingPrices(
    seed,
    new Market(seed, tickMs),
    new EquityMarket(seed, tickMs),
  )
  return new OptionBoard(prices)
}

/**
 * Every option the simulator lists at `now`, quoted, keyed by underlying symbol (BTC, ETH, SOL,
 * SPY, QQQ, AAPL, MSFT, TSLA, GOOGL, AMZN, NVDA, META). A pure function of (seed, now, tickMs):
 * the same inputs give the same chains and prices the HTTP routes serve, so tests can compute
 * expectations from it.
 */
export function optionUniverse(
  seed: number,
  now: number,
  tickMs = DEFAULT_TICK_MS,
): ReadonlyMap<string, UnderlyingOptions> {
  const board = optionBoard(seed, tickMs)
  return new Map(
    OPTION_UNDERLYINGS.map((underlying) => [
      underlying.symbol,
      { chain: board.chain(underlying, now), quotes: board.quotes(underlying, now) },
    ]),
  )
}
