import { instruments } from '@marketcache/shared/datasets/instruments'
import { ohlcv } from '@marketcache/shared/datasets/ohlcv'
import { optionChain } from '@marketcache/shared/datasets/option-chain'
import { spot } from '@marketcache/shared/datasets/spot'
import type { IbkrAdapter } from '../../../src/providers/ibkr/adapter'
import { snapshotChain, snapshotSpots } from '../../../src/providers/ibkr/market-data'
import { type ChainLimits, qualify } from '../../../src/providers/ibkr/qualification'
import type { ContractCase } from '../provider-contract'

/**
 * The four datasets the IBKR queue fills, each through the same adapter calls its processor
 * makes (without the cache): spot, contract qualification, a chain priced by snapshots, and
 * daily candles from the history endpoint.
 */
export function ibkrContractCases(
  adapter: () => IbkrAdapter,
  limits: ChainLimits,
  symbols: { known: string; unknown: string },
): ContractCase[] {
  const spotCase: ContractCase<typeof spot> = {
    dataset: spot,
    known: { exchange: 'ibkr', symbol: symbols.known },
    unknown: { exchange: 'ibkr', symbol: symbols.unknown },
    async fetch({ symbol }) {
      const stock = await adapter().search(symbol)
      const spots = await snapshotSpots(adapter(), new Map([[symbol, stock.conid]]), Date.now())
      const found = spots.get(symbol)
      if (found === undefined) throw new Error(`no quote for ${symbol}`)
      return found.value
    },
  }
  const instrumentsCase: ContractCase<typeof instruments> = {
    dataset: instruments,
    known: { exchange: 'ibkr', underlying: symbols.known },
    unknown: { exchange: 'ibkr', underlying: symbols.unknown },
    fetch: async ({ underlying }) =>
      (await qualify(adapter(), underlying, limits, Date.now())).value,
  }
  const chainCase: ContractCase<typeof optionChain> = {
    dataset: optionChain,
    known: { exchange: 'ibkr', underlying: symbols.known },
    unknown: { exchange: 'ibkr', underlying: symbols.unknown },
    async fetch({ underlying }) {
      const { value } = await qualify(adapter(), underlying, limits, Date.now())
      return (await snapshotChain(adapter(), value, Date.now())).chain
    },
  }
  const candlesCase: ContractCase<typeof ohlcv> = {
    dataset: ohlcv,
    known: { exchange: 'ibkr', symbol: symbols.known, interval: '1d' },
    unknown: { exchange: 'ibkr', symbol: symbols.unknown, interval: '1d' },
    async fetch({ symbol }) {
      const stock = await adapter().search(symbol)
      return (await adapter().history(stock.conid, symbol, '1d', Date.now())).value
    },
  }
  return [spotCase, instrumentsCase, chainCase, candlesCase] as ContractCase[]
}
