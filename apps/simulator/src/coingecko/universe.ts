import { MAX_SWING } from '../market/price-path'
import { createRandom, hashSeed } from '../prng'
import { REAL_COINS, type RealCoin } from './listings'

/**
 * Coins in the default universe: the real ones first, then generated `simcoin-NNN` up to this
 * total. `SIM_COINS` (the `coins` option) picks another total between the bounds below.
 */
export const UNIVERSE_SIZE = 300
/** Room for every real coin and a few dozen generated ones. */
export const MIN_UNIVERSE_SIZE = 50
/** About CoinGecko's own listing (~17 000 ids), with room to spare. */
export const MAX_UNIVERSE_SIZE = 20_000

/** A coin's fixed facts; its price path moves around `basePriceUsd`. */
export interface CoinListing extends Omit<RealCoin, 'priceUsd'> {
  readonly basePriceUsd: number
  /** Above any price the path can reach, so `ath_change_percentage` is never positive. */
  readonly athUsd: number
  readonly athDate: string
  /** Below any price the path can reach. */
  readonly atlUsd: number
  readonly atlDate: string
}

const ATH_FROM = Date.UTC(2021, 0, 1)
const ATH_TO = Date.UTC(2025, 5, 30)
const ATL_FROM = Date.UTC(2015, 0, 1)
const ATL_TO = Date.UTC(2020, 11, 31)

/**
 * Builds the same universe of `size` coins for the same seed; only generated coins and extremes
 * use it. Listing order is market-cap order at the base prices: the real coins, then
 * `simcoin-1`.. numbered by falling market cap, their numbers zero-padded to the width of the
 * count (at least 3: `simcoin-001`..`simcoin-273` by default, `simcoin-0001`.. past 999), so ids
 * sort in number order and stay unique at any size.
 */
export function buildUniverse(seed: number, size: number = UNIVERSE_SIZE): CoinListing[] {
  if (!Number.isSafeInteger(size) || size < MIN_UNIVERSE_SIZE || size > MAX_UNIVERSE_SIZE) {
    throw new RangeError(
      `a universe has ${MIN_UNIVERSE_SIZE} to ${MAX_UNIVERSE_SIZE} coins, asked for ${size}`,
    )
  }
  const random = createRandom(hashSeed(seed, 'universe'))
  const between = (low: number, high: number) => low + (high - low) * random()
  const generatedCount = size - REAL_COINS.length
  const width = Math.max(3, String(generatedCount).length)

  const bases: RealCoin[] = [...REAL_COINS]
  for (let n = 1; n <= generatedCount; n++) {
    bases.push(generateCoin(String(n).padStart(width, '0'), n, generatedCount, between))
  }

  return bases.map(({ priceUsd, ...coin }) => {
    const reach = Math.exp(coin.volatility * MAX_SWING)
    // Stablecoins have depegged mildly, other coins once traded for a fraction of today's price.
    const atlShare = coin.volatility < 0.01 ? between(0.5, 0.95) : between(0.0005, 0.3)
    return {
      ...coin,
      basePriceUsd: priceUsd,
      athUsd: priceUsd * reach * between(1.02, 1.6),
      athDate: new Date(Math.floor(between(ATH_FROM, ATH_TO))).toISOString(),
      atlUsd: (priceUsd / reach) * atlShare,
      atlDate: new Date(Math.floor(between(ATL_FROM, ATL_TO))).toISOString(),
    }
  })
}

/**
 * `simcoin-001` .. with market caps falling from ~$600M to ~$0.3M, so the real coins stay on
 * top. Supply styles rotate so every nullable field shows up often.
 */
function generateCoin(
  label: string,
  n: number,
  count: number,
  between: (low: number, high: number) => number,
): RealCoin {
  const marketCapUsd = 0.6e9 * 0.0005 ** (n / count) * between(0.8, 1.25)
  const priceUsd = 10 ** between(-4, 3)
  const circulatingSupply = Math.round(marketCapUsd / priceUsd)
  const supply = supplyStyle(n, circulatingSupply, between)
  return {
    id: `simcoin-${label}`,
    symbol: `sc${label}`,
    name: `SimCoin ${label}`,
    priceUsd,
    circulatingSupply,
    ...supply,
    volatility: between(0.05, 0.3),
    volumeRatio: between(0.01, 0.3),
    // Roughly a third had a priced launch, which CoinGecko turns into `roi`.
    icoPriceUsd: n % 3 === 0 ? priceUsd * between(0.05, 3) : null,
  }
}

type Supply = Pick<RealCoin, 'totalSupply' | 'maxSupply' | 'maxSupplyInfinite'>

function supplyStyle(
  n: number,
  circulating: number,
  between: (low: number, high: number) => number,
): Supply {
  switch (n % 4) {
    case 0: {
      const max = Math.round(circulating / between(0.3, 0.95))
      const total = Math.round(circulating + (max - circulating) * between(0, 1))
      return { maxSupply: max, totalSupply: total, maxSupplyInfinite: false }
    }
    case 1:
      // A few inflationary coins publish no total supply, so CoinGecko has no FDV for them.
      return {
        maxSupply: null,
        totalSupply: n % 40 === 1 ? null : circulating,
        maxSupplyInfinite: true,
      }
    case 2:
      return {
        maxSupply: null,
        totalSupply: Math.round(circulating * between(1, 1.5)),
        maxSupplyInfinite: false,
      }
    default: {
      const max = Math.round(circulating / between(0.4, 1))
      return { maxSupply: max, totalSupply: max, maxSupplyInfinite: false }
    }
  }
}
