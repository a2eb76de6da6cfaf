/**
 * Wilder's Relative Strength Index of a close series, one value per close: null for the first
 * `period` closes (not enough changes yet), then RSI = 100 − 100 / (1 + avgGain / avgLoss).
 *
 * - The first averages, at close `period`, are the simple means of the first `period` gains and
 *   losses (changes from the previous close; a loss counts as a positive number).
 * - After that, Wilder's smoothing: avg = (previous avg × (period − 1) + current) / period.
 * - avgLoss = 0 gives 100 (also for a flat series), as Wilder and common libraries have it.
 */
export function wilderRsi(closes: readonly number[], period: number): (number | null)[] {
  if (!Number.isInteger(period) || period < 1) throw new RangeError('period must be >= 1')
  const rsi: (number | null)[] = closes.map(() => null)
  if (closes.length <= period) return rsi
  let avgGain = 0
  let avgLoss = 0
  for (let i = 1; i < closes.length; i++) {
    const change = (closes[i] as number) - (closes[i - 1] as number)
    const gain = Math.max(change, 0)
    const loss = Math.max(-change, 0)
    if (i <= period) {
      // Seeding: sum the first `period` changes, then average them once.
      avgGain += gain
      avgLoss += loss
      if (i < period) continue
      avgGain /= period
      avgLoss /= period
    } else {
      avgGain = (avgGain * (period - 1) + gain) / period
      avgLoss = (avgLoss * (period - 1) + loss) / period
    }
    rsi[i] = avgLoss === 0 ? 100 : 100 - 100 / (1 + avgGain / avgLoss)
  }
  return rsi
}
