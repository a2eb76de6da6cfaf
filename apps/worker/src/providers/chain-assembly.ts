import type { OptionContract } from '@marketcache/shared/datasets/instruments'
import type { OptionChain } from '@marketcache/shared/datasets/option-chain'
import type { Static } from '@sinclair/typebox'

type Contract = Static<typeof OptionContract>
type Quote = NonNullable<OptionChain['expiries'][number]['strikes'][number]['call']>

const DAY_MS = 86_400_000

/**
 * Joins qualified contracts with their quotes into expiries → strikes → call/put, the shape every
 * provider's chain is cached in. Contracts without a quote are left out (nothing to serve);
 * expired contracts are dropped; a contract listed twice counts once.
 */
export function assembleChain(input: {
  exchange: string
  underlying: string
  underlyingPrice: number
  contracts: readonly Contract[]
  /** Keyed by the contract's `symbol` (Bybit symbol, IBKR conid). */
  quotes: ReadonlyMap<string, Quote>
  /** The chain's as-of instant (epoch ms): days to expiry count from here. */
  asOf: number
}): OptionChain {
  const byExpiry = new Map<string, Map<number, { call: Quote | null; put: Quote | null }>>()
  for (const contract of input.contracts) {
    const quote = input.quotes.get(contract.symbol)
    if (quote === undefined || Date.parse(contract.expiry) <= input.asOf) continue
    const strikes = byExpiry.get(contract.expiry) ?? new Map()
    byExpiry.set(contract.expiry, strikes)
    const strike = strikes.get(contract.strike) ?? { call: null, put: null }
    strikes.set(contract.strike, strike)
    strike[contract.right] = quote
  }
  const expiries = [...byExpiry.entries()]
    .sort(([a], [b]) => Date.parse(a) - Date.parse(b))
    .map(([expiry, strikes]) => ({
      expiry,
      days_to_expiry: Math.round(((Date.parse(expiry) - input.asOf) / DAY_MS) * 10_000) / 10_000,
      strikes: [...strikes.entries()]
        .sort(([a], [b]) => a - b)
        .map(([strike, sides]) => ({ strike, ...sides })),
    }))
  return {
    exchange: input.exchange,
    underlying: input.underlying,
    underlying_price: input.underlyingPrice,
    expiries,
    as_of: new Date(input.asOf).toISOString(),
  }
}
