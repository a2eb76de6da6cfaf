/** Strikes on each side of the centre at the fine step. */
const INNER_PER_SIDE = 10
/** Coarse strikes beyond the fine band aim for this many on the upper side... */
const OUTER_UPPER = 5
/** ...and never exceed this many on either side. */
const OUTER_MAX = 7

/**
 * The strikes of one expiry: 21 at a fine step around the forward, then a coarser step out to
 * about 3 standard deviations (between 8 % and 120 % in log terms), so 21–35 strikes that widen
 * with volatility and time. `width` is σ√T at listing; `steps` are the allowed increments.
 */
export function strikeLadder(forward: number, width: number, steps: readonly number[]): number[] {
  const fine = nearestStep(steps, (forward * Math.max(width, 0.02)) / INNER_PER_SIDE)
  const centre = Math.round(forward / fine) * fine
  const strikes = new Set<number>()
  for (let k = -INNER_PER_SIDE; k <= INNER_PER_SIDE; k++) {
    const strike = tidy(centre + k * fine)
    if (strike > 0) strikes.add(strike)
  }
  const reach = Math.min(1.2, Math.max(0.08, 3 * width))
  const high = forward * Math.exp(reach)
  const low = forward * Math.exp(-reach)
  const top = centre + INNER_PER_SIDE * fine
  const bottom = centre - INNER_PER_SIDE * fine
  const coarse = stepAtLeast(steps, Math.max(2 * fine, (high - top) / OUTER_UPPER))
  const first = Math.floor(top / coarse) + 1
  for (let n = first; n * coarse <= high && n < first + OUTER_MAX; n++) {
    strikes.add(tidy(n * coarse))
  }
  const last = Math.ceil(bottom / coarse) - 1
  for (let n = last; n > 0 && n * coarse >= low && n > last - OUTER_MAX; n--) {
    strikes.add(tidy(n * coarse))
  }
  return [...strikes].sort((a, b) => a - b)
}

/** The allowed step closest to `target` on a log scale (so 2 and 5 are equally near 3.16). */
function nearestStep(steps: readonly number[], target: number): number {
  let best = steps[0] ?? 1
  for (const step of steps) {
    if (Math.abs(Math.log(step / target)) < Math.abs(Math.log(best / target))) best = step
  }
  return best
}

/** The smallest allowed step at least `target`, or the largest there is. */
function stepAtLeast(steps: readonly number[], target: number): number {
  return steps.find((step) => step >= target) ?? steps[steps.length - 1] ?? target
}

/** Drops binary noise from sums such as 267.5 + 2.5 × k. */
function tidy(strike: number): number {
  return Number(strike.toFixed(6))
}
