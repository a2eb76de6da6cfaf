/** One OHLC candle over [start, end), in the path's currency. */
export interface Candle {
  readonly start: number
  readonly end: number
  readonly open: number
  readonly high: number
  readonly low: number
  readonly close: number
}

/**
 * Prices read per candle at most. Below it every tick is read, so short candles are exact and a
 * 30-minute CoinGecko candle equals the 30-minute Bybit kline of the same coin.
 */
const MAX_SAMPLES = 64

/**
 * The candle [start, end) of a tick-stepped price path as seen at `now`: a candle still open
 * closes at the current price. High and low cover every tick of short candles and evenly spaced
 * ticks of long ones, and always the open and close.
 */
export function candleOf(
  priceAt: (ms: number) => number,
  tickMs: number,
  start: number,
  end: number,
  now: number,
): Candle {
  // The last instant inside the candle that is not in the future.
  const lastMs = Math.min(end, now + 1) - 1
  const open = priceAt(start)
  const close = priceAt(lastMs)
  let high = Math.max(open, close)
  let low = Math.min(open, close)
  const firstTick = Math.floor(start / tickMs)
  const lastTick = Math.floor(lastMs / tickMs)
  const stride = Math.max(1, Math.ceil((lastTick - firstTick + 1) / MAX_SAMPLES))
  for (let tick = firstTick + stride; tick < lastTick; tick += stride) {
    const price = priceAt(tick * tickMs)
    if (price > high) high = price
    if (price < low) low = price
  }
  return { start, end, open, high, low, close }
}
