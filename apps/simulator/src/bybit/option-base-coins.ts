import type { Answer } from '../gate'
import { AssetClass, OPTION_UNDERLYINGS } from '../options/underlyings'
import { list, type Query } from '../query'
import { ok } from './envelope'
import { ParamsError } from './params'

/** Bybit's `underlyingType` codes. */
export const UnderlyingType = { crypto: 0, commodity: 1, stock: 2, forex: 3, oil: 4 } as const
export type UnderlyingType = (typeof UnderlyingType)[keyof typeof UnderlyingType]

/** One row of `option-base-coins`. Unlike most V5 answers, its numbers are JSON numbers. */
export interface OptionBaseCoinRow {
  baseCoin: string
  quoteCoin: string
  settleCoin: string
  optionShowName: string
  /** When options went (or go) live, ms; 0 when no date is set. */
  optionOnlineTime: number
  /** 1: options trade now; 0: none yet (no date, or a date still ahead). */
  hasSymbol: 0 | 1
  underlyingType: UnderlyingType
}

/** When the options of each simulated chain went live. */
const LAUNCHED: Readonly<Record<string, number>> = {
  BTC: Date.UTC(2022, 3, 26),
  ETH: Date.UTC(2022, 3, 26),
  SOL: Date.UTC(2024, 1, 28),
}

/** Announced without a chain (hasSymbol 0): one with no date yet, one dated after `now`. */
const ANNOUNCED: readonly {
  baseCoin: string
  underlyingType: UnderlyingType
  onlineAt: (now: number) => number
}[] = [
  { baseCoin: 'XRP', underlyingType: UnderlyingType.crypto, onlineAt: () => 0 },
  { baseCoin: 'XAUT', underlyingType: UnderlyingType.commodity, onlineAt: firstOfNextMonth },
]

const row = (
  baseCoin: string,
  underlyingType: UnderlyingType,
  optionOnlineTime: number,
  hasSymbol: 0 | 1,
): OptionBaseCoinRow => ({
  baseCoin,
  quoteCoin: 'USDT',
  settleCoin: 'USDT',
  optionShowName: `${baseCoin}-Options`,
  optionOnlineTime,
  hasSymbol,
  underlyingType,
})

/**
 * `GET /v5/market/option-base-coins`: every base coin the simulator has an option chain for
 * (hasSymbol 1), then the announced ones (hasSymbol 0). `underlyingType` (comma-separated
 * codes) keeps those types only; absent, every type is listed.
 */
export function optionBaseCoinsAnswer(query: Query, now: number): Answer {
  const types = underlyingTypes(query)
  const traded = OPTION_UNDERLYINGS.filter((u) => u.assetClass === AssetClass.crypto).map((u) =>
    row(u.symbol, UnderlyingType.crypto, LAUNCHED[u.symbol] ?? 0, 1),
  )
  const announced = ANNOUNCED.map((a) => row(a.baseCoin, a.underlyingType, a.onlineAt(now), 0))
  const rows = [...traded, ...announced].filter(
    (r) => types === null || types.has(r.underlyingType),
  )
  return ok({ list: rows }, now)
}

/** The asked types, or null for all; a code Bybit does not define is a params error. */
function underlyingTypes(query: Query): Set<number> | null {
  const codes = list(query, 'underlyingType')
  if (codes.length === 0) return null
  const known = new Set<number>(Object.values(UnderlyingType))
  for (const code of codes) {
    if (!/^\d$/.test(code) || !known.has(Number(code))) {
      throw new ParamsError(`underlyingType ${code} invalid`)
    }
  }
  return new Set(codes.map(Number))
}

function firstOfNextMonth(now: number): number {
  const date = new Date(now)
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1)
}
