import { instruments } from '@marketcache/shared/datasets/instruments'
import type { JobProcessor, ProcessorContext } from '../contracts/processor'
import type { IbkrAdapter } from '../providers/ibkr/adapter'
import { IbkrEndpoint } from '../providers/ibkr/endpoints'
import { type ChainLimits, qualify } from '../providers/ibkr/qualification'
import type { InstrumentsValue } from '../providers/ibkr/quotes'
import { entryOf, targetOf } from './entries'

export const ibkrInstrumentsParams = (underlying: string) =>
  ({ exchange: 'ibkr', underlying }) as const

/**
 * The cached qualification of an underlying, when it can still be used: present, not past its
 * stale window (new strikes get listed), and with at least one unexpired contract.
 */
export async function cachedInstruments(
  ctx: ProcessorContext,
  underlying: string,
): Promise<InstrumentsValue | null> {
  const cached = await ctx.reader.value(instruments, ibkrInstrumentsParams(underlying))
  if (cached === null) return null
  const now = ctx.now()
  const { value, envelope } = cached
  const live = value.contracts.some((contract) => Date.parse(contract.expiry) > now)
  return envelope.staleUntil > now && live && value.underlying_id !== null ? value : null
}

/**
 * A stock's conid, the one way IBKR jobs turn a symbol into one: from the cached `instruments`
 * entry when there is one (no secdef call), else from secdef/search, which throws
 * ProviderNotFoundError for a symbol IBKR does not list.
 */
export async function stockConid(
  adapter: IbkrAdapter,
  ctx: ProcessorContext,
  symbol: string,
): Promise<string> {
  const cached = await ctx.reader.value(instruments, ibkrInstrumentsParams(symbol))
  if (cached?.value.underlying_id) return cached.value.underlying_id
  return (await adapter.search(symbol)).conid
}

/** Qualifies the underlying's contracts and writes `instruments`; returns the value and keys. */
export async function qualifyAndWrite(
  adapter: IbkrAdapter,
  ctx: ProcessorContext,
  limits: ChainLimits,
  underlying: string,
): Promise<{ value: InstrumentsValue; written: string[] }> {
  const { value } = await qualify(adapter, underlying, limits, ctx.now())
  ctx.logger.debug(
    { provider: 'ibkr', underlying, contracts: value.contracts.length },
    'contracts qualified',
  )
  const entry = entryOf(ctx, instruments, ibkrInstrumentsParams(underlying), value, {
    asOf: ctx.now(),
    source: 'ibkr',
    endpoint: IbkrEndpoint.info,
  })
  const outcomes = await ctx.writer.write(entry)
  return { value, written: outcomes.filter((o) => o.written).map((o) => o.key) }
}

/**
 * `ibkr.instruments`: contract qualification (secdef search, strikes, info) for the configured
 * months and strikes nearest to spot, cached so chain refreshes need only snapshots.
 */
export function ibkrInstrumentsProcessor(
  adapter: IbkrAdapter,
  ctx: ProcessorContext,
  limits: ChainLimits,
): JobProcessor<'ibkr.instruments'> {
  return {
    targets: (data) => [targetOf(ctx, instruments, ibkrInstrumentsParams(data.underlying))],
    async process(data) {
      const { written } = await qualifyAndWrite(adapter, ctx, limits, data.underlying)
      return { written }
    },
  }
}
