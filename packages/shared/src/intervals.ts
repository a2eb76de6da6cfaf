import { InvalidParamError } from './errors'
import type { Exchange } from './exchanges'

/** Candle intervals by the names clients use, whatever each provider calls them. */
export const Interval = {
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '30m': 1_800_000,
  '1h': 3_600_000,
  '4h': 14_400_000,
  '1d': 86_400_000,
  '1w': 604_800_000,
} as const
export type Interval = keyof typeof Interval

/**
 * Which intervals each candle source can serve. CoinGecko's OHLC granularity follows `days`;
 * IBKR's history endpoint is asked for hourly and daily bars.
 */
const SUPPORTED: Partial<Record<Exchange, readonly Interval[]>> = {
  bybit: ['1m', '5m', '15m', '30m', '1h', '4h', '1d', '1w'],
  ibkr: ['1h', '1d'],
  coingecko: ['30m', '4h'],
}

export function intervalsFor(exchange: Exchange): readonly Interval[] {
  return SUPPORTED[exchange] ?? []
}

/** Used when a request names no interval: `1h` where served, else the widest the source has. */
export function defaultInterval(exchange: Exchange): Interval {
  const accepted = intervalsFor(exchange)
  return accepted.includes('1h') ? '1h' : (accepted[accepted.length - 1] ?? '1h')
}

export function parseInterval(exchange: Exchange, raw: unknown): Interval {
  const accepted = intervalsFor(exchange)
  if (typeof raw !== 'string' || !(accepted as readonly string[]).includes(raw)) {
    throw new InvalidParamError(
      'interval',
      `interval must be one of ${accepted.join(', ')} on ${exchange}`,
    )
  }
  return raw as Interval
}
