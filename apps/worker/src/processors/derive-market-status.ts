import { marketStatus } from '@marketcache/shared/datasets/market-status'
import type { JobProcessor, ProcessorContext } from '../contracts/processor'
import { MARKET_CALENDARS } from '../derive/calendars/markets'
import { entryOf, targetOf } from './entries'

/**
 * `derive.market-status`: the session state of a market from the clock and its calendar; no
 * provider call. The entry's asOf is now, since the value is exact as of the moment it is computed.
 */
export function marketStatusProcessor(ctx: ProcessorContext): JobProcessor<'derive.market-status'> {
  return {
    targets: (data) => [targetOf(ctx, marketStatus, marketStatus.parseParams(data))],
    async process(data) {
      const params = marketStatus.parseParams(data)
      const now = ctx.now()
      const { changesAt, ...state } = MARKET_CALENDARS[params.market](now)
      const value = { market: params.market, ...state, as_of: new Date(now).toISOString() }
      const entry = entryOf(untilChange(ctx, now, changesAt), marketStatus, params, value, {
        asOf: now,
        source: 'derived',
      })
      const outcomes = await ctx.writer.write(entry)
      return { written: outcomes.filter((o) => o.written).map((o) => o.key) }
    },
  }
}

/**
 * The context with the market-status policy cut so the entry is neither fresh nor stale past the
 * next status change: a reader then misses and waits for a recomputation (milliseconds, no
 * provider) instead of being served a session that has ended. The error window is kept, so a
 * stopped worker still leaves something to fall back on. Freshness jitter only shortens.
 */
function untilChange(ctx: ProcessorContext, now: number, changesAt: number | null) {
  const policy = ctx.freshness['market-status']
  if (changesAt === null) return ctx
  const leftMs = Math.max(1, changesAt - now)
  if (leftMs >= policy.freshMs + policy.staleMs) return ctx
  const freshMs = Math.min(policy.freshMs, leftMs)
  const staleMs = Math.min(policy.staleMs, leftMs - freshMs)
  return {
    ...ctx,
    freshness: { ...ctx.freshness, 'market-status': { ...policy, freshMs, staleMs } },
  }
}
