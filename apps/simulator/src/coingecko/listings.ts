/**
 * The real coins at the top of the simulated universe, with late-2025 ballpark prices and
 * supplies so dashboards look familiar and adapters meet real-world edge cases: a 21M cap,
 * infinite supply (ethereum, dogecoin), unknown max supply (tether), sub-cent prices (shiba-inu).
 */
export interface RealCoin {
  readonly id: string
  readonly symbol: string
  readonly name: string
  readonly priceUsd: number
  readonly circulatingSupply: number
  readonly totalSupply: number | null
  /** null: no cap published; see `maxSupplyInfinite` for whether it is truly uncapped. */
  readonly maxSupply: number | null
  readonly maxSupplyInfinite: boolean
  /** Scale of the price path's log swings: ~0.1 for bitcoin, ~0.0005 for stablecoins. */
  readonly volatility: number
  /** 24h volume as a fraction of market cap. */
  readonly volumeRatio: number
  /** Launch price, which CoinGecko turns into `roi`; null gives `roi: null`. */
  readonly icoPriceUsd: number | null
}

type Row = [
  id: string,
  symbol: string,
  name: string,
  priceUsd: number,
  circulating: number,
  total: number | null,
  max: number | null,
  infinite: boolean,
  volatility: number,
  volumeRatio: number,
  icoPriceUsd: number | null,
]

// biome-ignore format: one coin per line reads as a table
const ROWS: readonly Row[] = [
  ['bitcoin', 'btc', 'Bitcoin', 90_000, 19_950_000, 19_950_000, 21_000_000, false, 0.1, 0.03, null],
  ['ethereum', 'eth', 'Ethereum', 3_000, 120_700_000, 120_700_000, null, true, 0.13, 0.06, 0.31],
  ['tether', 'usdt', 'Tether', 1, 184e9, 184e9, null, false, 0.0005, 0.5, null],
  ['ripple', 'xrp', 'XRP', 2.1, 60.2e9, 99.986e9, 100e9, false, 0.15, 0.03, null],
  ['binancecoin', 'bnb', 'BNB', 880, 137_700_000, 137_700_000, 200_000_000, false, 0.1, 0.02, 0.1],
  ['solana', 'sol', 'Solana', 135, 559_000_000, 615_000_000, null, true, 0.16, 0.05, 0.22],
  ['usd-coin', 'usdc', 'USDC', 1, 75.5e9, 75.5e9, null, false, 0.0005, 0.1, null],
  ['tron', 'trx', 'TRON', 0.28, 94.7e9, 94.7e9, null, true, 0.08, 0.03, 0.0019],
  ['dogecoin', 'doge', 'Dogecoin', 0.15, 151.5e9, 151.5e9, null, true, 0.18, 0.06, null],
  ['cardano', 'ada', 'Cardano', 0.42, 36.5e9, 45e9, 45e9, false, 0.17, 0.04, 0.0024],
  ['hyperliquid', 'hype', 'Hyperliquid', 35, 337_000_000, 999_800_000, 1e9, false, 0.2, 0.02, null],
  ['chainlink', 'link', 'Chainlink', 13, 696_800_000, 1e9, 1e9, false, 0.17, 0.05, 0.11],
  ['bitcoin-cash', 'bch', 'Bitcoin Cash', 520, 19_960_000, 19_960_000, 21_000_000, false, 0.14, 0.04, null],
  ['stellar', 'xlm', 'Stellar', 0.24, 32.3e9, 50.001e9, 50.001e9, false, 0.15, 0.03, null],
  ['avalanche-2', 'avax', 'Avalanche', 13.5, 427_000_000, 459_000_000, 720_000_000, false, 0.18, 0.05, 0.5],
  ['litecoin', 'ltc', 'Litecoin', 85, 76_600_000, 84_000_000, 84_000_000, false, 0.13, 0.05, null],
  ['sui', 'sui', 'Sui', 1.6, 3.7e9, 10e9, 10e9, false, 0.2, 0.08, null],
  ['hedera-hashgraph', 'hbar', 'Hedera', 0.14, 42.4e9, 50e9, 50e9, false, 0.16, 0.03, null],
  ['shiba-inu', 'shib', 'Shiba Inu', 0.0000085, 589.25e12, 589.5e12, null, false, 0.18, 0.03, null],
  ['the-open-network', 'ton', 'Toncoin', 1.6, 2.5e9, 5.14e9, null, false, 0.15, 0.03, null],
  ['polkadot', 'dot', 'Polkadot', 2.3, 1.64e9, 1.64e9, null, true, 0.18, 0.06, null],
  ['uniswap', 'uni', 'Uniswap', 6, 630_000_000, 1e9, 1e9, false, 0.18, 0.05, null],
  ['monero', 'xmr', 'Monero', 380, 18_450_000, 18_450_000, null, true, 0.12, 0.02, null],
  ['near', 'near', 'NEAR Protocol', 1.8, 1.28e9, 1.28e9, null, false, 0.2, 0.08, null],
  ['aptos', 'apt', 'Aptos', 2.5, 760_000_000, 1.19e9, null, false, 0.2, 0.05, null],
  ['internet-computer', 'icp', 'Internet Computer', 3.5, 540_000_000, 540_000_000, null, true, 0.2, 0.05, null],
  ['dai', 'dai', 'Dai', 1, 4.9e9, 4.9e9, null, false, 0.0005, 0.05, null],
]

export const REAL_COINS: readonly RealCoin[] = ROWS.map(
  ([
    id,
    symbol,
    name,
    priceUsd,
    circulatingSupply,
    totalSupply,
    maxSupply,
    maxSupplyInfinite,
    volatility,
    volumeRatio,
    icoPriceUsd,
  ]) => ({
    id,
    symbol,
    name,
    priceUsd,
    circulatingSupply,
    totalSupply,
    maxSupply,
    maxSupplyInfinite,
    volatility,
    volumeRatio,
    icoPriceUsd,
  }),
)
