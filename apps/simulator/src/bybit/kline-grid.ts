const MINUTE_MS = 60_000
const DAY_MS = 86_400_000
const WEEK_MS = 7 * DAY_MS
/** Bybit's weekly candles start on Monday 00:00 UTC; 1970-01-05 was a Monday. */
const FIRST_MONDAY = Date.UTC(1970, 0, 5)

/** How candles of one interval tile time: where each starts and where the next one starts. */
export interface KlineGrid {
  /** Start of the candle containing `ms`. */
  floor(ms: number): number
  /** Start of the candle after the one starting at `start`. */
  next(start: number): number
  /** Start of the candle before the one starting at `start`. */
  previous(start: number): number
}

function fixed(lengthMs: number, originMs = 0): KlineGrid {
  return {
    floor: (ms) => originMs + Math.floor((ms - originMs) / lengthMs) * lengthMs,
    next: (start) => start + lengthMs,
    previous: (start) => start - lengthMs,
  }
}

const calendarMonths: KlineGrid = {
  floor: (ms) => {
    const date = new Date(ms)
    return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1)
  },
  next: (start) => shiftMonths(start, 1),
  previous: (start) => shiftMonths(start, -1),
}

function shiftMonths(start: number, months: number): number {
  const date = new Date(start)
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1)
}

/** Bybit's `interval` values: minutes, then day, week (from Monday) and calendar month. */
export const KLINE_GRIDS: Readonly<Record<string, KlineGrid>> = {
  ...Object.fromEntries(
    [1, 3, 5, 15, 30, 60, 120, 240, 360, 720].map((minutes) => [
      String(minutes),
      fixed(minutes * MINUTE_MS),
    ]),
  ),
  D: fixed(DAY_MS),
  W: fixed(WEEK_MS, FIRST_MONDAY),
  M: calendarMonths,
}

export function klineGrid(interval: string): KlineGrid | undefined {
  return Object.hasOwn(KLINE_GRIDS, interval) ? KLINE_GRIDS[interval] : undefined
}
