import type { MarketCalendar } from './calendar'

/** Crypto trades around the clock, every day of the year: always open, nothing ever changes. */
export const cryptoCalendar: MarketCalendar = () => ({
  status: 'open',
  is_open: true,
  timezone: 'UTC',
  next_open: null,
  next_close: null,
  reason: null,
  changesAt: null,
})
