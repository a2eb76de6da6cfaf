import type { MarketStatusValue } from '@marketcache/shared/datasets/market-status'
import type { Static } from '@sinclair/typebox'

/** A market's session state at one instant: the `market-status` value without its labels. */
export type SessionState = Omit<Static<typeof MarketStatusValue>, 'market' | 'as_of'> & {
  /**
   * When any field of this state next changes (a session boundary, or local midnight when the
   * reason may change); null when it never does. Entries stay fresh no longer than this.
   */
  changesAt: number | null
}

/** A trading calendar: the session state of one market from the clock alone. */
export type MarketCalendar = (now: number) => SessionState
