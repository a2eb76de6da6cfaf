const DAY_MS = 86_400_000
/** A year for CAGR: 365 days, the same year the Sharpe ratio's 365 daily or 8760 hourly candles make. */
export const YEAR_MS = 365 * DAY_MS

/** final / initial − 1. */
export function totalReturn(initial: number, final: number): number {
  return final / initial - 1
}

/**
 * Compound annual growth: (final / initial)^(1 / years) − 1, with years = (toMs − fromMs) / 365
 * days. Null under one day, where annualising says more about the exponent than the strategy.
 */
export function cagr(initial: number, final: number, fromMs: number, toMs: number): number | null {
  const spanMs = toMs - fromMs
  if (spanMs < DAY_MS) return null
  return (final / initial) ** (YEAR_MS / spanMs) - 1
}

/** Largest fall from a running peak, as a positive fraction: max over t of 1 − e_t / max(e_0..e_t). */
export function maxDrawdown(equity: readonly number[]): number {
  let peak = Number.NEGATIVE_INFINITY
  let worst = 0
  for (const value of equity) {
    if (value > peak) peak = value
    else if (peak > 0) worst = Math.max(worst, 1 - value / peak)
  }
  return worst
}

/**
 * Annualised Sharpe ratio with a zero risk-free rate: mean / sample standard deviation (n − 1)
 * of the per-candle returns r_k = e_k / e_(k−1) − 1, times √periodsPerYear. Null with fewer than
 * two returns or when they do not vary (a strategy that never trades).
 */
export function sharpeRatio(equity: readonly number[], periodsPerYear: number): number | null {
  const returns: number[] = []
  for (let k = 1; k < equity.length; k++) {
    returns.push((equity[k] as number) / (equity[k - 1] as number) - 1)
  }
  if (returns.length < 2 || returns.every((r) => r === returns[0])) return null
  const mean = returns.reduce((sum, r) => sum + r, 0) / returns.length
  const variance = returns.reduce((sum, r) => sum + (r - mean) ** 2, 0) / (returns.length - 1)
  const deviation = Math.sqrt(variance)
  return deviation === 0 ? null : (mean / deviation) * Math.sqrt(periodsPerYear)
}

/** Share of closed trades that made money (return > 0); null when none has closed. */
export function winRate(
  trades: readonly { exitT: number | null; return: number }[],
): number | null {
  const closed = trades.filter((trade) => trade.exitT !== null)
  if (closed.length === 0) return null
  return closed.filter((trade) => trade.return > 0).length / closed.length
}

/**
 * At most `max` points, evenly spaced by index, always keeping the first and the last:
 * index round(k × (n − 1) / (max − 1)) for k = 0 … max − 1.
 */
export function downsample<T>(points: readonly T[], max: number): T[] {
  if (points.length <= max) return [...points]
  if (max < 2) return points.slice(0, max)
  const step = (points.length - 1) / (max - 1)
  return Array.from({ length: max }, (_, k) => points[Math.round(k * step)] as T)
}
