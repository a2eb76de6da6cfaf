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
  const text = String(step)
  const dot = text.indexOf('.')
  return dot < 0 ? 0 : text.length - dot - 1
}
