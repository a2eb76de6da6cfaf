/**
 * Black–Scholes–Merton for European options on an asset with a continuous yield: prices,
 * greeks and implied volatility. Pure functions, no state.
 */

export const OptionRight = { call: 'C', put: 'P' } as const
export type OptionRight = (typeof OptionRight)[keyof typeof OptionRight]

export interface PricingInput {
  readonly spot: number
  readonly strike: number
  /** Time to expiry in years (365-day). */
  readonly years: number
  /** Annualised volatility, e.g. 0.55. */
  readonly vol: number
  /** Continuously compounded risk-free rate. */
  readonly rate: number
  /** Continuous dividend (or carry) yield. */
  readonly dividendYield: number
  readonly right: OptionRight
}

export interface Greeks {
  /** Per 1 unit move of the spot. */
  readonly delta: number
  readonly gamma: number
  /** Per 1 volatility point (0.01). */
  readonly vega: number
  /** Per calendar day. */
  readonly theta: number
}

/**
 * The standard normal CDF (W. J. Cody / Hart's rational approximation as given by G. West),
 * accurate to double precision, so put–call parity holds to the cent on a $100k strike.
 */
export function normalCdf(x: number): number {
  const z = Math.abs(x)
  let tail = 0
  if (z <= 37) {
    const e = Math.exp((-z * z) / 2)
    if (z < 7.07106781186547) {
      let n = 3.52624965998911e-2 * z + 0.700383064443688
      n = n * z + 6.37396220353165
      n = n * z + 33.912866078383
      n = n * z + 112.079291497871
      n = n * z + 221.213596169931
      n = n * z + 220.206867912376
      let d = 8.83883476483184e-2 * z + 1.75566716318264
      d = d * z + 16.064177579207
      d = d * z + 86.7807322029461
      d = d * z + 296.564248779674
      d = d * z + 637.333633378831
      d = d * z + 793.826512519948
      d = d * z + 440.413735824752
      tail = (e * n) / d
    } else {
      let d = z + 0.65
      d = z + 4 / d
      d = z + 3 / d
      d = z + 2 / d
      d = z + 1 / d
      tail = e / d / 2.506628274631
    }
  }
  return x > 0 ? 1 - tail : tail
}

function normalPdf(x: number): number {
  return Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI)
}

function d1d2(input: PricingInput): [number, number] {
  const { spot, strike, years, vol, rate, dividendYield } = input
  const volRoot = vol * Math.sqrt(years)
  const d1 = (Math.log(spot / strike) + (rate - dividendYield + (vol * vol) / 2) * years) / volRoot
  return [d1, d1 - volRoot]
}

export function optionPrice(input: PricingInput): number {
  const { spot, strike, years, rate, dividendYield, right } = input
  const [d1, d2] = d1d2(input)
  const carry = Math.exp(-dividendYield * years)
  const discount = Math.exp(-rate * years)
  const price =
    right === OptionRight.call
      ? spot * carry * normalCdf(d1) - strike * discount * normalCdf(d2)
      : strike * discount * normalCdf(-d2) - spot * carry * normalCdf(-d1)
  // Rounding can leave a far-out-of-the-money price a hair below zero.
  return Math.max(0, price)
}

export function optionGreeks(input: PricingInput): Greeks {
  const { spot, strike, years, vol, rate, dividendYield, right } = input
  const [d1, d2] = d1d2(input)
  const carry = Math.exp(-dividendYield * years)
  const discount = Math.exp(-rate * years)
  const root = Math.sqrt(years)
  const decay = (-spot * carry * normalPdf(d1) * vol) / (2 * root)
  const call = right === OptionRight.call
  const theta = call
    ? decay -
      rate * strike * discount * normalCdf(d2) +
      dividendYield * spot * carry * normalCdf(d1)
    : decay +
      rate * strike * discount * normalCdf(-d2) -
      dividendYield * spot * carry * normalCdf(-d1)
  return {
    delta: call ? carry * normalCdf(d1) : -carry * normalCdf(-d1),
    gamma: (carry * normalPdf(d1)) / (spot * vol * root),
    vega: (spot * carry * normalPdf(d1) * root) / 100,
    theta: theta / 365,
  }
}

const VOL_FLOOR = 0.005
const VOL_CEILING = 5
const PRICE_TOLERANCE = 1e-9

/**
 * The volatility at which the model price equals `price`, or undefined when no volatility can
 * (a bid below intrinsic value, an ask above the asset). Newton steps from `guess`, falling back
 * to bisection whenever a step would leave the bracket, so it never diverges on the wings.
 */
export function impliedVol(
  price: number,
  input: Omit<PricingInput, 'vol'>,
  guess = 0.5,
): number | undefined {
  let low = VOL_FLOOR
  let high = VOL_CEILING
  // One object re-priced in place: this loop runs for every bid and ask of every chain.
  const trial: { -readonly [K in keyof PricingInput]: PricingInput[K] } = { ...input, vol: low }
  const priceAt = (vol: number) => {
    trial.vol = vol
    return optionPrice(trial)
  }
  if (price <= priceAt(low) || price >= priceAt(high)) return undefined
  let vol = Math.min(high, Math.max(low, guess))
  for (let i = 0; i < 100; i++) {
    const miss = priceAt(vol) - price
    if (Math.abs(miss) <= PRICE_TOLERANCE * Math.max(1, price)) return vol
    if (miss > 0) high = vol
    else low = vol
    if (high - low < 1e-7) break
    // vega per vol point × 100 = d(price)/d(vol)
    const slope = optionGreeks(trial).vega * 100
    const step = slope > 0 ? vol - miss / slope : Number.NaN
    vol = step > low && step < high ? step : (low + high) / 2
  }
  return vol
}
