import type { OptionChain } from '@marketcache/shared/datasets/option-chain'
import { assembleChain } from '../chain-assembly'
import type { OptionTickersResult } from './adapter'
import { BybitEndpoint } from './client'
import { badResponse } from './errors'
import type { Contract } from './mapping'

/**
 * The chain of one underlying from its contracts and one tickers answer. Where Bybit
 * lists the same expiry, strike and side in two settle coins (USDC and USDT options), the chain's
 * one slot goes to the settle coin with more quoted contracts, rather than to whichever came last.
 */
export function bybitChain(
  underlying: string,
  contracts: readonly Contract[],
  tickers: OptionTickersResult,
): OptionChain {
  const quoted = contracts.filter((contract) => tickers.quotes.has(contract.symbol))
  const perSettle = new Map<string | null, number>()
  for (const { settle } of quoted) perSettle.set(settle, (perSettle.get(settle) ?? 0) + 1)
  const preferred = [...quoted].sort(
    (a, b) =>
      (perSettle.get(b.settle) ?? 0) - (perSettle.get(a.settle) ?? 0) ||
      String(a.settle).localeCompare(String(b.settle)),
  )
  const slots = new Set<string>()
  const chosen = preferred.filter((contract) => {
    const slot = `${contract.expiry}|${contract.strike}|${contract.right}`
    if (slots.has(slot)) return false
    slots.add(slot)
    return true
  })
  const chain = assembleChain({
    exchange: 'bybit',
    underlying,
    underlyingPrice: tickers.underlyingPrice,
    contracts: chosen,
    quotes: tickers.quotes,
    asOf: tickers.asOf,
  })
  // The schema is checked where every value is, on its way into the cache (`entryOf`).
  if (chain.expiries.length === 0) {
    throw badResponse(
      BybitEndpoint.tickers,
      `chain of ${underlying}: no listed contract has a quote`,
    )
  }
  return chain
}
