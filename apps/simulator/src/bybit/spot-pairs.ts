/** A Bybit spot pair, priced off a CoinGecko coin's path (USDT is taken as exactly $1). */
export interface SpotPair {
  readonly symbol: string
  readonly baseCoin: string
  readonly quoteCoin: 'USDT'
  readonly coinId: string
  readonly tickSize: number
  readonly basePrecision: number
  readonly minOrderQty: number
  readonly maxOrderQty: number
  /** Bybit's share of the coin's trading, in USD per day; sizes volumes and klines. */
  readonly dailyVolumeUsd: number
}

type Row = [
  base: string,
  coinId: string,
  tick: number,
  basePrecision: number,
  minOrderQty: number,
  maxOrderQty: number,
  dailyVolumeUsd: number,
]

// biome-ignore format: one pair per line reads as a table
const ROWS: readonly Row[] = [
  ['BTC', 'bitcoin', 0.01, 0.000001, 0.000048, 71.73956243, 1.5e9],
  ['ETH', 'ethereum', 0.01, 0.00001, 0.00062, 1229.2336343, 8e8],
  ['SOL', 'solana', 0.01, 0.001, 0.016, 9427.09, 3e8],
  ['XRP', 'ripple', 0.0001, 0.01, 0.98, 1088650.06, 2e8],
  ['DOGE', 'dogecoin', 0.00001, 0.1, 5.4, 6571898.1, 1.2e8],
  ['ADA', 'cardano', 0.0001, 0.01, 2.3, 1818181.81, 6e7],
  ['LINK', 'chainlink', 0.001, 0.01, 0.07, 59488.4, 5e7],
  ['AVAX', 'avalanche-2', 0.001, 0.01, 0.07, 57142.85, 4e7],
]

export const SPOT_PAIRS: readonly SpotPair[] = ROWS.map(
  ([baseCoin, coinId, tickSize, basePrecision, minOrderQty, maxOrderQty, dailyVolumeUsd]) => ({
    symbol: `${baseCoin}USDT`,
    baseCoin,
    quoteCoin: 'USDT',
    coinId,
    tickSize,
    basePrecision,
    minOrderQty,
    maxOrderQty,
    dailyVolumeUsd,
  }),
)

const BY_SYMBOL = new Map(SPOT_PAIRS.map((pair) => [pair.symbol, pair]))

export function spotPair(symbol: string): SpotPair | undefined {
  return BY_SYMBOL.get(symbol)
}
