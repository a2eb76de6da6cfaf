import type { CoinListing } from '../coingecko/universe'

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

/** How many of the universe's top coins (listing order, which is market-cap order) get a pair. */
export const SPOT_PAIR_COUNT = 60

/** The quote coin itself has no pair against itself. */
const QUOTE_COIN_ID = 'tether'

type Row = [
  base: string,
  coinId: string,
  tick: number,
  basePrecision: number,
  minOrderQty: number,
  maxOrderQty: number,
  dailyVolumeUsd: number,
]

/** Pairs listed with Bybit's own filters and volumes; the other coins' are derived from price. */
// biome-ignore format: one pair per line reads as a table
const LISTED: readonly Row[] = [
  ['BTC', 'bitcoin', 0.01, 0.000001, 0.000048, 71.73956243, 1.5e9],
  ['ETH', 'ethereum', 0.01, 0.00001, 0.00062, 1229.2336343, 8e8],
  ['SOL', 'solana', 0.01, 0.001, 0.016, 9427.09, 3e8],
  ['XRP', 'ripple', 0.0001, 0.01, 0.98, 1088650.06, 2e8],
  ['DOGE', 'dogecoin', 0.00001, 0.1, 5.4, 6571898.1, 1.2e8],
  ['ADA', 'cardano', 0.0001, 0.01, 2.3, 1818181.81, 6e7],
  ['LINK', 'chainlink', 0.001, 0.01, 0.07, 59488.4, 5e7],
  ['AVAX', 'avalanche-2', 0.001, 0.01, 0.07, 57142.85, 4e7],
]

const BY_COIN = new Map(LISTED.map((row) => [row[1], row]))

/** Bybit's share of a coin's daily volume, for pairs without a listed volume. */
const BYBIT_VOLUME_SHARE = 0.03
/** Order bounds in USD at the coin's base price, for pairs without listed ones. */
const MIN_ORDER_USD = 5
const MAX_ORDER_USD = 2_000_000

/** 10^exponent, parsed rather than computed, so 1e-5 is exactly the double of "0.00001". */
const power = (exponent: number) => Number(`1e${exponent}`)
/** `value` rounded up onto the grid of `step`, printed without binary noise. */
const ceilTo = (value: number, step: number) =>
  Number((Math.ceil(value / step - 1e-9) * step).toPrecision(12))

/**
 * Filters in Bybit's style from a coin's base price: a tick near five significant digits (at most
 * a cent), a base precision worth about a cent, orders from ~$5 to ~$2M.
 */
function derivedPair(coin: CoinListing): SpotPair {
  const price = coin.basePriceUsd
  const tickSize = Math.min(0.01, power(Math.floor(Math.log10(price)) - 4))
  const basePrecision = Math.min(1, power(Math.ceil(Math.log10(0.01 / price))))
  const base = coin.symbol.toUpperCase()
  return {
    symbol: `${base}USDT`,
    baseCoin: base,
    quoteCoin: 'USDT',
    coinId: coin.id,
    tickSize,
    basePrecision,
    minOrderQty: ceilTo(MIN_ORDER_USD / price, basePrecision),
    maxOrderQty: ceilTo(MAX_ORDER_USD / price, basePrecision),
    dailyVolumeUsd: price * coin.circulatingSupply * coin.volumeRatio * BYBIT_VOLUME_SHARE,
  }
}

function listedPair([base, coinId, tick, precision, minQty, maxQty, volume]: Row): SpotPair {
  return {
    symbol: `${base}USDT`,
    baseCoin: base,
    quoteCoin: 'USDT',
    coinId,
    tickSize: tick,
    basePrecision: precision,
    minOrderQty: minQty,
    maxOrderQty: maxQty,
    dailyVolumeUsd: volume,
  }
}

/**
 * One `<SYMBOL>USDT` pair for each of the universe's top `SPOT_PAIR_COUNT` coins other than USDT
 * (BTCUSDT, ETHUSDT, …, SC001USDT, …), in listing order. Generated coins' prices depend on the
 * seed, so the list is built per simulator from its universe.
 */
export function buildSpotPairs(coins: readonly CoinListing[]): SpotPair[] {
  return coins
    .filter((coin) => coin.id !== QUOTE_COIN_ID)
    .slice(0, SPOT_PAIR_COUNT)
    .map((coin) => {
      const row = BY_COIN.get(coin.id)
      return row ? listedPair(row) : derivedPair(coin)
    })
}
