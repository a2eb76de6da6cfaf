import { EQUITIES } from '../market/equities'

/** Where an underlying's options trade, which fixes their calendar and wire format. */
export const AssetClass = { crypto: 'crypto', equity: 'equity' } as const
export type AssetClass = (typeof AssetClass)[keyof typeof AssetClass]

/** iv(K) = atmVol + skew·ln(K/F) + curvature·ln(K/F)², clamped to a sane band around atmVol. */
export interface SmileParams {
  readonly atmVol: number
  readonly skew: number
  readonly curvature: number
}

export interface OptionUnderlying {
  /** `BTC` on Bybit, `SPY` on IBKR. */
  readonly symbol: string
  readonly assetClass: AssetClass
  /** The price path behind the spot: a CoinGecko coin id, or the stock symbol. */
  readonly spotId: string
  readonly smile: SmileParams
  readonly rate: number
  readonly dividendYield: number
  /** Strike increments the ladder may use, finest first. */
  readonly strikeSteps: readonly number[]
  /** Premium increment at a given premium. */
  readonly tickFor: (premium: number) => number
  /** Open interest of an at-the-money monthly strike, in coins (crypto) or contracts. */
  readonly openInterestScale: number
  /** Order size step: Bybit's qtyStep; IBKR trades whole contracts. */
  readonly qtyStep: number
  /** How wide market makers quote: see `QuoteWidth`. */
  readonly quoteWidth: QuoteWidth
}

/**
 * Half the bid/ask spread is `volPoints` of vega plus `spotFraction` of the delta-hedge's value
 * (at least one tick): wide in vol terms near the money, a few ticks deep in or out of it.
 */
export interface QuoteWidth {
  readonly volPoints: number
  readonly spotFraction: number
}

const CRYPTO_WIDTH: QuoteWidth = { volPoints: 0.5, spotFraction: 0.0003 }
// Listed US equity options are among the tightest markets there are.
const EQUITY_WIDTH: QuoteWidth = { volPoints: 0.05, spotFraction: 0.00005 }

/** US equity options: pennies under $3, nickels above, except ETFs in the penny pilot. */
const pennyUnder3 = (premium: number) => (premium < 3 ? 0.01 : 0.05)
const penny = () => 0.01

type CryptoRow = [
  symbol: string,
  spotId: string,
  smile: SmileParams,
  steps: number[],
  tick: number,
  openInterestScale: number,
  qtyStep: number,
]

// biome-ignore format: one underlying per line reads as a table
const CRYPTO: readonly CryptoRow[] = [
  ['BTC', 'bitcoin', { atmVol: 0.55, skew: -0.1, curvature: 0.6 },
    [250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 25000, 50000], 5, 300, 0.01],
  ['ETH', 'ethereum', { atmVol: 0.65, skew: -0.1, curvature: 0.6 },
    [10, 25, 50, 100, 200, 250, 500, 1000], 0.1, 3000, 0.1],
  ['SOL', 'solana', { atmVol: 0.8, skew: -0.05, curvature: 0.6 },
    [1, 2, 2.5, 5, 10, 20, 25, 50], 0.01, 20000, 1],
]

type EquityRow = [
  symbol: string,
  smile: SmileParams,
  steps: number[],
  penny: boolean,
  openInterestScale: number,
]

// biome-ignore format: one underlying per line reads as a table
const EQUITY: readonly EquityRow[] = [
  ['SPY', { atmVol: 0.15, skew: -0.35, curvature: 1 }, [1, 2, 5, 10, 25], true, 40000],
  ['QQQ', { atmVol: 0.19, skew: -0.3, curvature: 0.9 }, [1, 2, 5, 10, 25], true, 25000],
  ['AAPL', { atmVol: 0.26, skew: -0.25, curvature: 0.8 }, [2.5, 5, 10, 20, 25], false, 20000],
  ['MSFT', { atmVol: 0.24, skew: -0.25, curvature: 0.8 }, [2.5, 5, 10, 20, 25], false, 12000],
  ['TSLA', { atmVol: 0.55, skew: -0.1, curvature: 0.6 }, [2.5, 5, 10, 20, 25, 50], false, 30000],
  ['GOOGL', { atmVol: 0.29, skew: -0.22, curvature: 0.8 }, [2.5, 5, 10, 20, 25], false, 15000],
  ['AMZN', { atmVol: 0.31, skew: -0.22, curvature: 0.8 }, [2.5, 5, 10, 20, 25], false, 18000],
  ['NVDA', { atmVol: 0.48, skew: -0.15, curvature: 0.7 }, [2.5, 5, 10, 20, 25], false, 40000],
  ['META', { atmVol: 0.34, skew: -0.2, curvature: 0.8 }, [5, 10, 20, 25, 50], false, 10000],
]

/** USD short rate for equity forwards; crypto options on Bybit price with no carry. */
const USD_RATE = 0.045

export const OPTION_UNDERLYINGS: readonly OptionUnderlying[] = [
  ...CRYPTO.map(([symbol, spotId, smile, strikeSteps, tick, openInterestScale, qtyStep]) => ({
    symbol,
    assetClass: AssetClass.crypto,
    spotId,
    smile,
    rate: 0,
    dividendYield: 0,
    strikeSteps,
    tickFor: () => tick,
    openInterestScale,
    qtyStep,
    quoteWidth: CRYPTO_WIDTH,
  })),
  ...EQUITY.map(([symbol, smile, strikeSteps, isPenny, openInterestScale]) => ({
    symbol,
    assetClass: AssetClass.equity,
    spotId: symbol,
    smile,
    rate: USD_RATE,
    dividendYield: EQUITIES.find((listing) => listing.symbol === symbol)?.dividendYield ?? 0,
    strikeSteps,
    tickFor: isPenny ? penny : pennyUnder3,
    openInterestScale,
    qtyStep: 1,
    quoteWidth: EQUITY_WIDTH,
  })),
]

const BY_SYMBOL = new Map(OPTION_UNDERLYINGS.map((underlying) => [underlying.symbol, underlying]))

export function optionUnderlying(symbol: string): OptionUnderlying | undefined {
  return BY_SYMBOL.get(symbol)
}

/** The smile's volatility at `strike`, clamped between 0.6× and 3× the at-the-money level. */
export function smileVol(smile: SmileParams, forward: number, strike: number): number {
  const x = Math.log(strike / forward)
  const vol = smile.atmVol + smile.skew * x + smile.curvature * x * x
  return Math.min(3 * smile.atmVol, Math.max(0.6 * smile.atmVol, vol))
}
