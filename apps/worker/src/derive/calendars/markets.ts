import type { Market } from '@marketcache/shared/markets'
import type { MarketCalendar } from './calendar'
import { cryptoCalendar } from './crypto'
import { usEquitiesCalendar } from './us-equities'

/** One calendar per market: a market added without one fails to compile. */
export const MARKET_CALENDARS: Readonly<Record<Market, MarketCalendar>> = {
  crypto: cryptoCalendar,
  'us-equities': usEquitiesCalendar,
}
