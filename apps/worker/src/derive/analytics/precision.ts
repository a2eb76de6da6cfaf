/**
 * Rounding for derived values. Provider prices are short decimals, but sums and ratios of floats
 * are not (0.9 − 0.5 = 0.40000000000000002); rounding drops that noise, keeps the JSON of a chain's
 * thousands of collars compact, and lets an exact zero be recognised as one.
 */

/** `value` to `digits` significant digits, for ratios and volatilities. */
export function significant(value: number, digits = 6): number {
  return value === 0 ? 0 : Number(value.toPrecision(digits))
}

/**
 * A rounding for money amounts of the size of `scale` (a spot price): a fixed number of decimals,
 * so every amount of one set has the same absolute precision, `digits` significant at that scale
 * (BTC at 97 250: 3 decimals; a 100-dollar stock: 5).
 */
export function moneyRounding(scale: number, digits = 8): (value: number) => number {
  const magnitude = Math.floor(Math.log10(Math.abs(scale)))
  const decimals = Math.min(12, Math.max(0, digits - 1 - magnitude))
  // + 0 turns a rounded -0 into 0.
  return (value) => Number(value.toFixed(decimals)) + 0
}
