/**
 * Market-data snapshot fields: numeric tags, values sent as display strings ("C182.50", "32.5%",
 * "1.23K"). Parsers are tolerant: anything unreadable is null, never a guess.
 */

/** The snapshot field tags this worker asks for. */
export const Field = {
  last: '31',
  bid: '84',
  askSize: '85',
  ask: '86',
  volume: '87',
  bidSize: '88',
  high: '70',
  low: '71',
  changePct: '83',
  delta: '7308',
  gamma: '7309',
  theta: '7310',
  vega: '7311',
  impliedVol: '7633',
  openInterest: '7638',
  symbol: '55',
  secType: '6070',
  underlyingConid: '6457',
} as const
export type Field = (typeof Field)[keyof typeof Field]

/** What a stock snapshot asks for. */
export const STOCK_FIELDS: readonly Field[] = [
  Field.last,
  Field.bid,
  Field.ask,
  Field.bidSize,
  Field.askSize,
  Field.high,
  Field.low,
  Field.changePct,
  Field.volume,
]

/** What an option snapshot asks for. */
export const OPTION_FIELDS: readonly Field[] = [
  Field.last,
  Field.bid,
  Field.ask,
  Field.bidSize,
  Field.askSize,
  Field.volume,
  Field.delta,
  Field.gamma,
  Field.theta,
  Field.vega,
  Field.impliedVol,
  Field.openInterest,
]

/**
 * What a quote of any contract asks for: the stock and option fields, and what the contract is
 * (symbol, asset class, an option's underlying). Those static fields come for every contract the
 * gateway knows, priced or not, so a conid that gains no values at all is not a contract.
 */
export const QUOTE_FIELDS: readonly Field[] = [
  ...new Set([...STOCK_FIELDS, ...OPTION_FIELDS]),
  Field.symbol,
  Field.secType,
  Field.underlyingConid,
]

/** One conid's snapshot, parsed. Every value is null when the gateway did not send it. */
export interface SnapshotRow {
  conid: string
  last: number | null
  /** True when `last` is the previous close (`C` prefix): the market is closed. */
  lastIsClose: boolean
  bid: number | null
  ask: number | null
  bidSize: number | null
  askSize: number | null
  high: number | null
  low: number | null
  /** Percent, as sent: `-1.25` for "-1.25%". */
  changePct: number | null
  volume: number | null
  delta: number | null
  gamma: number | null
  theta: number | null
  vega: number | null
  /** A fraction: "32.5%" → 0.325. */
  impliedVol: number | null
  openInterest: number | null
  /** Field 55: the stock's symbol, or an option's underlying symbol. */
  symbol: string | null
  /** Field 6070: `STK`, `OPT`, ... */
  secType: string | null
  /** Field 6457: an option's underlying conid. */
  underlyingConid: string | null
  /** `_updated`, epoch ms. */
  updated: number | null
}

const SUFFIX: Record<string, number> = { K: 1e3, M: 1e6, B: 1e9 }

function text(value: unknown): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null
  if (typeof value !== 'string') return null
  const trimmed = value.trim().replaceAll(',', '')
  return trimmed === '' ? null : trimmed
}

/** A plain decimal; null for anything else ("N/A", "-", "" or absent). */
export function parseNumber(value: unknown): number | null {
  const raw = text(value)
  if (raw === null || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw)) return null
  return Number(raw)
}

/** Field 31: "C182.50" is the previous close, "H182.50" a halted last; both are prices. */
export function parseLast(value: unknown): { price: number | null; isClose: boolean } {
  const raw = text(value)
  if (raw === null) return { price: null, isClose: false }
  const prefix = /^[CH]/i.exec(raw)?.[0]?.toUpperCase()
  return { price: parseNumber(prefix ? raw.slice(1) : raw), isClose: prefix === 'C' }
}

/** "32.5%" → 32.5 (percent points); a bare number is taken as already in percent. */
export function parsePercent(value: unknown): number | null {
  const raw = text(value)
  return raw === null ? null : parseNumber(raw.endsWith('%') ? raw.slice(0, -1) : raw)
}

/** "1.23K" → 1230, "2.1M" → 2100000; a bare number as it is. */
export function parseCount(value: unknown): number | null {
  const raw = text(value)
  if (raw === null) return null
  const multiplier = SUFFIX[raw.slice(-1).toUpperCase()]
  const parsed = parseNumber(multiplier === undefined ? raw : raw.slice(0, -1))
  return parsed === null ? null : Math.round(parsed * (multiplier ?? 1) * 1e6) / 1e6
}

/** Prices, sizes and counts cannot be negative; IBKR sends -1 for "none". */
function nonNegative(value: number | null): number | null {
  return value !== null && value >= 0 ? value : null
}

/** A conid as text; null for anything that is not one. */
function conidText(value: unknown): string | null {
  const raw = text(value)
  return raw !== null && /^\d+$/.test(raw) ? raw : null
}

/** True when the gateway sent a value for any of `fields`: not a pre-flight answer. */
export function hasValues(raw: Record<string, unknown>, fields: readonly string[]): boolean {
  return fields.some((field) => text(raw[field]) !== null)
}

/** One snapshot element → a row; null when it names no conid. */
export function parseSnapshotRow(raw: Record<string, unknown>): SnapshotRow | null {
  const conid = text(raw.conid) ?? text(raw.conidEx)
  if (conid === null || !/^\d+$/.test(conid)) return null
  const last = parseLast(raw[Field.last])
  const iv = parsePercent(raw[Field.impliedVol])
  const delta = parseNumber(raw[Field.delta])
  const updated = parseNumber(raw._updated)
  return {
    conid,
    last: nonNegative(last.price),
    lastIsClose: last.isClose,
    bid: nonNegative(parseNumber(raw[Field.bid])),
    ask: nonNegative(parseNumber(raw[Field.ask])),
    bidSize: nonNegative(parseCount(raw[Field.bidSize])),
    askSize: nonNegative(parseCount(raw[Field.askSize])),
    high: nonNegative(parseNumber(raw[Field.high])),
    low: nonNegative(parseNumber(raw[Field.low])),
    changePct: parsePercent(raw[Field.changePct]),
    volume: nonNegative(parseCount(raw[Field.volume])),
    delta: delta !== null && delta >= -1 && delta <= 1 ? delta : null,
    gamma: parseNumber(raw[Field.gamma]),
    theta: parseNumber(raw[Field.theta]),
    vega: parseNumber(raw[Field.vega]),
    impliedVol: iv !== null && iv >= 0 ? Math.round(iv * 1e4) / 1e6 : null,
    openInterest: nonNegative(parseCount(raw[Field.openInterest])),
    symbol: text(raw[Field.symbol]),
    secType: text(raw[Field.secType]),
    underlyingConid: conidText(raw[Field.underlyingConid]),
    updated: updated !== null && updated > 0 ? updated : null,
  }
}
