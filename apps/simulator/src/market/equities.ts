import { type Session, sessionAt } from './new-york'
import { type PathListing, PricePath } from './price-path'

/** A US stock or ETF that options are listed on; late-2025 ballpark prices. */
export interface EquityListing extends PathListing {
  readonly symbol: string
  /** IBKR's contract id for the stock (real ones, so fixtures read naturally). */
  readonly conid: number
  readonly companyName: string
  /** Primary listing exchange, as IBKR's `description` shows it. */
  readonly exchange: string
  /** Continuous dividend yield, for option forwards. */
  readonly dividendYield: number
  /** Shares traded in a full session. */
  readonly dailyVolume: number
}

type Row = [
  symbol: string,
  conid: number,
  name: string,
  exchange: string,
  price: number,
  volatility: number,
  dividendYield: number,
  dailyVolume: number,
]

// biome-ignore format: one stock per line reads as a table
const ROWS: readonly Row[] = [
  ['SPY', 756733, 'SPDR S&P 500 ETF TRUST', 'ARCA', 670, 0.04, 0.012, 70e6],
  ['QQQ', 320227571, 'INVESCO QQQ TRUST SERIES 1', 'NASDAQ', 600, 0.05, 0.006, 45e6],
  ['AAPL', 265598, 'APPLE INC', 'NASDAQ', 270, 0.06, 0.004, 50e6],
  ['MSFT', 272093, 'MICROSOFT CORP', 'NASDAQ', 510, 0.06, 0.007, 20e6],
  ['TSLA', 76792991, 'TESLA INC', 'NASDAQ', 430, 0.15, 0, 90e6],
  ['GOOGL', 208813719, 'ALPHABET INC-CL A', 'NASDAQ', 250, 0.07, 0.003, 35e6],
  ['AMZN', 3691937, 'AMAZON.COM INC', 'NASDAQ', 225, 0.07, 0, 45e6],
  ['NVDA', 4815747, 'NVIDIA CORP', 'NASDAQ', 185, 0.1, 0.0002, 180e6],
  ['META', 107113386, 'META PLATFORMS INC-CLASS A', 'NASDAQ', 720, 0.08, 0.003, 12e6],
]

export const EQUITIES: readonly EquityListing[] = ROWS.map(
  ([
    symbol,
    conid,
    companyName,
    exchange,
    basePriceUsd,
    volatility,
    dividendYield,
    dailyVolume,
  ]) => ({
    id: `equity:${symbol}`,
    symbol,
    conid,
    companyName,
    exchange,
    basePriceUsd,
    volatility,
    dividendYield,
    dailyVolume,
  }),
)

/**
 * Stock prices that move only while NYSE is open: outside a session every read sees the last
 * close, so weekend snapshots are frozen and Monday can open with a gap.
 */
export class EquityMarket {
  readonly #paths: ReadonlyMap<string, PricePath>
  readonly #bySymbol: ReadonlyMap<string, EquityListing>
  readonly tickMs: number

  constructor(seed: number, tickMs: number) {
    this.tickMs = tickMs
    this.#bySymbol = new Map(EQUITIES.map((listing) => [listing.symbol, listing]))
    this.#paths = new Map(
      EQUITIES.map((listing) => [listing.symbol, new PricePath(seed, listing, tickMs)]),
    )
  }

  listing(symbol: string): EquityListing | undefined {
    return this.#bySymbol.get(symbol)
  }

  /** `ms` during a session, else the last instant of the last one: when prices are read. */
  marketTime(ms: number): number {
    const { close } = sessionAt(ms)
    return ms < close ? ms : close - 1
  }

  session(ms: number): Session {
    return sessionAt(ms)
  }

  priceAt(symbol: string, ms: number): number {
    const path = this.#paths.get(symbol)
    if (!path) throw new Error(`no price path for ${symbol}`)
    return path.priceAt(this.marketTime(ms))
  }
}
