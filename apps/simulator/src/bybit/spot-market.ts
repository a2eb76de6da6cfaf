import type { Market } from '../coingecko/market'
import { type Candle, candleOf } from '../market/candles'
import { hashSeed, noiseAt } from '../prng'
import { decimal } from './envelope'
import type { KlineGrid } from './kline-grid'
import { buildSpotPairs, type SpotPair } from './spot-pairs'
import { CRYPTO_SYMBOL_TYPE, symbolId } from './symbol-ids'

const MINUTE_MS = 60_000
const HOUR_MS = 60 * MINUTE_MS
const DAY_MS = 24 * HOUR_MS

/** A candle plus what traded in it. */
export interface TradedCandle extends Candle {
  /** In base coin. */
  readonly volume: number
  /** In quote coin (USDT). */
  readonly turnover: number
}

/**
 * Bybit's spot (and linear) market: prices are CoinGecko's paths for the same coins, so
 * BTCUSDT's last price equals CoinGecko's bitcoin price in USD and klines follow the same path
 * as CoinGecko's OHLC. Linear perpetuals trade at the spot price (no basis is modelled).
 */
export class SpotMarket {
  readonly #market: Market
  readonly #seed: number
  readonly #pairs: readonly SpotPair[]
  readonly #bySymbol: ReadonlyMap<string, SpotPair>

  constructor(seed: number, market: Market) {
    this.#seed = seed
    this.#market = market
    // The universe the market prices, whatever its size; its top coins get pairs.
    this.#pairs = buildSpotPairs(market.coins)
    this.#bySymbol = new Map(this.#pairs.map((pair) => [pair.symbol, pair]))
  }

  /** Every listed pair, largest coin first. */
  get pairs(): readonly SpotPair[] {
    return this.#pairs
  }

  pair(symbol: string): SpotPair | undefined {
    return this.#bySymbol.get(symbol)
  }

  priceAt(pair: SpotPair, ms: number): number {
    const price = this.#market.priceAt(pair.coinId, ms)
    if (price === undefined) throw new Error(`no coin ${pair.coinId} behind ${pair.symbol}`)
    return price
  }

  /**
   * The candle [start, end) seen at `now`. Volume is a per-minute rate with per-candle noise,
   * counted only up to `now` for a candle still open.
   */
  candle(pair: SpotPair, start: number, end: number, now: number): TradedCandle {
    const candle = candleOf((ms) => this.priceAt(pair, ms), this.#market.tickMs, start, end, now)
    const elapsedMs = Math.max(1, Math.min(end, now + 1) - start)
    const noise = noiseAt(hashSeed(this.#seed, 'kline volume', pair.symbol), start / MINUTE_MS)
    const turnover = pair.dailyVolumeUsd * (elapsedMs / DAY_MS) * (0.5 + noise)
    const average = (candle.open + candle.high + candle.low + candle.close) / 4
    return { ...candle, volume: turnover / average, turnover }
  }

  /** `[startTime, open, high, low, close, volume, turnover]`, all strings, as Bybit lists them. */
  klineRow(pair: SpotPair, start: number, grid: KlineGrid, now: number): string[] {
    const c = this.candle(pair, start, grid.next(start), now)
    const price = (value: number) => decimal(value, pair.tickSize)
    return [
      String(start),
      price(c.open),
      price(c.high),
      price(c.low),
      price(c.close),
      decimal(c.volume, pair.basePrecision),
      c.turnover.toFixed(4),
    ]
  }

  /** One row of `tickers?category=spot`. */
  tickerRow(pair: SpotPair, now: number) {
    const tick = pair.tickSize
    const last = this.priceAt(pair, now)
    const prev = this.priceAt(pair, now - DAY_MS)
    const day = candleOf(
      (ms) => this.priceAt(pair, ms),
      this.#market.tickMs,
      now - DAY_MS,
      now + 1,
      now,
    )
    // The last 24 hourly candles, the newest still open, so the ticker agrees with 60-minute klines.
    const hourStart = Math.floor(now / HOUR_MS) * HOUR_MS
    let volume = 0
    let turnover = 0
    for (let k = 0; k < 24; k++) {
      const start = hourStart - k * HOUR_MS
      const hour = this.candle(pair, start, start + HOUR_MS, now)
      volume += hour.volume
      turnover += hour.turnover
    }
    const size = (label: string) =>
      decimal(
        pair.minOrderQty *
          (5 + 200 * noiseAt(hashSeed(this.#seed, label, pair.symbol), now / 1000)),
        pair.basePrecision,
      )
    return {
      symbol: pair.symbol,
      bid1Price: decimal(last - tick, tick),
      bid1Size: size('bid size'),
      ask1Price: decimal(last, tick),
      ask1Size: size('ask size'),
      lastPrice: decimal(last, tick),
      prevPrice24h: decimal(prev, tick),
      price24hPcnt: (last / prev - 1).toFixed(4),
      highPrice24h: decimal(day.high, tick),
      lowPrice24h: decimal(day.low, tick),
      turnover24h: turnover.toFixed(4),
      volume24h: decimal(volume, pair.basePrecision),
      usdIndexPrice: decimal(last, tick),
    }
  }

  /**
   * One row of `instruments-info?category=spot`, with every field the `bybit-api` SDK declares:
   * strings, but `symbolId` (a number) and `forbidUplWithdrawal` (a boolean).
   */
  instrumentRow(pair: SpotPair) {
    const maxOrderQty = plain(pair.maxOrderQty)
    return {
      symbolId: symbolId(pair.symbol),
      symbol: pair.symbol,
      baseCoin: pair.baseCoin,
      quoteCoin: pair.quoteCoin,
      symbolType: CRYPTO_SYMBOL_TYPE,
      innovation: '0',
      status: 'Trading',
      marginTrading: 'utaOnly',
      stTag: '0',
      lotSizeFilter: {
        basePrecision: plain(pair.basePrecision),
        quotePrecision: '0.00000001',
        minOrderQty: plain(pair.minOrderQty),
        maxOrderQty,
        minOrderAmt: '1',
        maxOrderAmt: '4000000',
        maxLimitOrderQty: maxOrderQty,
        maxMarketOrderQty: decimal(pair.maxOrderQty / 2, pair.basePrecision),
        postOnlyMaxLimitOrderSize: maxOrderQty,
      },
      priceFilter: { tickSize: plain(pair.tickSize) },
      riskParameters: { priceLimitRatioX: '0.005', priceLimitRatioY: '0.01' },
      forbidUplWithdrawal: false,
    }
  }
}

/** A number as Bybit prints it, never in exponent form (a 1e-8 tick is "0.00000001"). */
function plain(value: number): string {
  return decimal(value, value)
}
