import { instruments } from '@marketcache/shared/datasets/instruments'
import {
  type OptionChain,
  OptionChainValue,
  optionChain,
} from '@marketcache/shared/datasets/option-chain'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import type { BybitAdapter, OptionTickersResult } from '../providers/bybit/adapter'
import { BybitEndpoint } from '../providers/bybit/client'
import { badResponse } from '../providers/bybit/errors'
import type { Contract } from '../providers/bybit/mapping'
import { bybitInstrumentsEntry } from './bybit-instruments'
import { assembleChain } from './chain-assembly'
import { entryOf, targetOf } from './entries'
import type { JobProcessor, ProcessorContext } from './processor'

const chainCheck = TypeCompiler.Compile(OptionChainValue)

const params = (underlying: string) => ({ exchange: 'bybit' as const, underlying })

/**
 * The chain of one underlying from its contracts and one tickers answer, validated. Where Bybit
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
  const problem = chainCheck.Errors(chain).First()
  if (problem !== undefined || chain.expiries.length === 0) {
    const why = problem ? `${problem.path}: ${problem.message}` : 'no listed contract has a quote'
    throw badResponse(BybitEndpoint.tickers, `chain of ${underlying}: ${why}`)
  }
  return chain
}

/**
 * `bybit.option-chain`: the contracts come from the cached `instruments` entry while it is fresh
 * (else instruments-info is fetched and written too), the quotes from ONE tickers call; joined,
 * they are the `option-chain` entry.
 */
export function bybitOptionChainProcessor(
  adapter: BybitAdapter,
  ctx: ProcessorContext,
): JobProcessor<'bybit.option-chain'> {
  return {
    targets: (data) => [targetOf(ctx, optionChain, params(data.underlying))],
    async process(data) {
      const { underlying } = data
      const written: string[] = []
      const refetch = async (): Promise<readonly Contract[]> => {
        const listed = await adapter.instruments(underlying)
        const outcomes = await ctx.writer.write(bybitInstrumentsEntry(ctx, listed))
        written.push(...outcomes.filter((o) => o.written).map((o) => o.key))
        return listed.value.contracts
      }

      const cached = await ctx.reader.value(instruments, params(underlying))
      const fresh = cached !== null && cached.envelope.freshUntil > ctx.now()
      let contracts = fresh ? cached.value.contracts : await refetch()
      const tickers = await adapter.optionTickers(underlying)
      if (fresh) {
        // A strike or expiry listed since the cached list was taken would be missing from the
        // chain until the list expires; one look at the tickers tells.
        const known = new Set(contracts.map((contract) => contract.symbol))
        const unlisted = [...tickers.quotes.keys()].filter((symbol) => !known.has(symbol))
        if (unlisted.length > 0) {
          ctx.logger.info(
            { provider: 'bybit', underlying, unlisted: unlisted.length, first: unlisted[0] },
            'cached instruments are behind the tickers; refreshing them',
          )
          contracts = await refetch()
        }
      }

      const chain = bybitChain(underlying, contracts, tickers)
      const outcomes = await ctx.writer.write(
        entryOf(ctx, optionChain, params(underlying), chain, {
          asOf: tickers.asOf,
          source: 'bybit',
        }),
      )
      written.push(...outcomes.filter((o) => o.written).map((o) => o.key))
      return { written }
    },
  }
}
