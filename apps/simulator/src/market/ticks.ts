/** Prices on a tick grid, and their text with the grid's decimals. */

/** Rounds onto a grid of `step`, trimming binary noise so 0.1 × 3 prints as 0.3. */
export function toTick(value: number, step: number, round: (x: number) => number): number {
  const steps = value / step
  // A value already on the grid (up to float noise) stays put whichever way we round.
  const nearest = Math.round(steps)
  const snapped = Math.abs(steps - nearest) < 1e-9 ? nearest : round(steps)
  return Number((snapped * step).toFixed(decimalsOf(step)))
}

/** `toFixed` without the minus sign on a value that rounds to zero ("-0.00" reads as a bug). */
export function fixed(value: number, decimals: number): string {
  const text = value.toFixed(decimals)
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text
}

export function decimalsOf(step: number): number {
  // Below 1e-6 JavaScript prints exponents: "1e-8" has 8 decimals, "2.5e-7" has 8.
  const [mantissa = '', exponent = '0'] = String(step).split('e')
  const dot = mantissa.indexOf('.')
  return Math.max(0, (dot < 0 ? 0 : mantissa.length - dot - 1) - Number(exponent))
}
