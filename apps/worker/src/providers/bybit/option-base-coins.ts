import { type BybitClient, BybitEndpoint } from './client'
import { badResponse } from './errors'
import { listOf } from './instrument-pages'

/** A base coin as Bybit writes it and as the catalog's ids (and canonical underlyings) match. */
const BASE_COIN = /^[A-Z0-9._-]{1,64}$/

/** `hasSymbol` 1 or 0: a number in Bybit's docs, read in the string form of V5 numbers too. */
function tradableOf(hasSymbol: unknown): boolean | null {
  if (hasSymbol === 1 || hasSymbol === '1') return true
  if (hasSymbol === 0 || hasSymbol === '0') return false
  return null
}

/**
 * Every base coin Bybit lists options on now (option-base-coins, every underlying type:
 * `hasSymbol` 1), sorted and each once, and the answer's time (0 when Bybit sent none). The
 * list is what refuses made-up underlyings, so any row it cannot read makes the whole answer a
 * bad response rather than a shorter list; so does a list with no tradable coin.
 */
export async function optionBaseCoins(
  client: BybitClient,
): Promise<{ baseCoins: string[]; asOf: number }> {
  const endpoint = BybitEndpoint.optionBaseCoins
  const answer = await client.get(endpoint, {})
  const baseCoins = new Set<string>()
  for (const [index, row] of listOf(answer, endpoint).entries()) {
    const { baseCoin, hasSymbol } = (row ?? {}) as { baseCoin?: unknown; hasSymbol?: unknown }
    if (typeof baseCoin !== 'string' || !BASE_COIN.test(baseCoin)) {
      throw badResponse(endpoint, `row ${index} has no usable baseCoin`)
    }
    const tradable = tradableOf(hasSymbol)
    if (tradable === null) {
      throw badResponse(
        endpoint,
        `${baseCoin}: hasSymbol ${JSON.stringify(hasSymbol)} is not 0 or 1`,
      )
    }
    if (tradable) baseCoins.add(baseCoin)
  }
  if (baseCoins.size === 0) throw badResponse(endpoint, 'no base coin has options')
  return { baseCoins: [...baseCoins].sort(), asOf: answer.time ?? 0 }
}
