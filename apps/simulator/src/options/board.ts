import { OptionRight } from './black-scholes'
import { type OptionChain, optionChain } from './chain'
import { type OptionContract, type OptionQuote, quoteOption } from './quotes'
import type { UnderlyingPrices } from './underlying-prices'
import type { OptionUnderlying } from './underlyings'

interface Memo<T> {
  readonly tick: number
  readonly value: T
}

/**
 * The option markets the routes read. Chains and quotes are pure functions of (seed, tick);
 * the board keeps the latest tick's per underlying, because pricing a whole chain is the
 * expensive part of a tickers call and callers ask about "now", which only moves forward.
 */
export class OptionBoard {
  readonly prices: UnderlyingPrices
  readonly #chains = new Map<string, Memo<OptionChain>>()
  readonly #quotes = new Map<string, Memo<readonly OptionQuote[]>>()

  constructor(prices: UnderlyingPrices) {
    this.prices = prices
  }

  chain(underlying: OptionUnderlying, now: number): OptionChain {
    return this.#memo(this.#chains, underlying.symbol, now, () =>
      optionChain(this.prices, underlying, now),
    )
  }

  /** Every live contract: expiries in time order, strikes ascending, call before put. */
  contracts(underlying: OptionUnderlying, now: number): OptionContract[] {
    return this.chain(underlying, now).expiries.flatMap((expiry) =>
      expiry.strikes.flatMap((strike) =>
        [OptionRight.call, OptionRight.put].map((right) => ({ underlying, expiry, strike, right })),
      ),
    )
  }

  /** Quotes for every live contract, in `contracts` order. */
  quotes(underlying: OptionUnderlying, now: number): readonly OptionQuote[] {
    return this.#memo(this.#quotes, underlying.symbol, now, () =>
      this.contracts(underlying, now).map((contract) => quoteOption(this.prices, contract, now)),
    )
  }

  /** One contract's quote, without pricing the rest of its chain. */
  quote(contract: OptionContract, now: number): OptionQuote {
    return quoteOption(this.prices, contract, now)
  }

  #memo<T>(cache: Map<string, Memo<T>>, key: string, now: number, build: () => T): T {
    const tick = Math.floor(now / this.prices.tickMs)
    const seen = cache.get(key)
    if (seen?.tick === tick) return seen.value
    const value = build()
    cache.set(key, { tick, value })
    return value
  }
}
