import { wilderRsi } from './rsi'

/** What the strategy reads of a candle: its open time (epoch ms), open and close. */
export interface PriceBar {
  t: number
  o: number
  c: number
}

export interface RsiMeanReversion {
  rsiPeriod: number
  /** Enter when RSI crosses below this. */
  oversold: number
  /** Exit when RSI crosses above this. */
  overbought: number
  /** Charged on the traded value, on entry and again on exit. */
  feeBps: number
  initialCapital: number
}

export interface SimulatedTrade {
  entryT: number
  entryPrice: number
  /** null while the trade is still open at the last candle. */
  exitT: number | null
  exitPrice: number | null
  /** Equity after the trade (or marked at the last close) / equity before it − 1; net of fees. */
  return: number
}

export interface EquityPoint {
  /** The candle's open time; the equity is the one at its close. */
  t: number
  equity: number
}

export interface Simulation {
  trades: SimulatedTrade[]
  /** Mark-to-market equity at every candle's close, one point per candle. */
  equity: EquityPoint[]
}

type Order = 'buy' | 'sell' | null

/**
 * RSI mean reversion, long only and fully invested. A signal at candle i's close is an order
 * filled at candle i + 1's open, so nothing is decided on a price not yet seen; a signal on the
 * last candle is never filled.
 * - Buy when flat and RSI crosses below `oversold` (previous ≥ oversold, current < oversold):
 *   all cash buys `cash × (1 − fee) / open` units (fractional).
 * - Sell when long and RSI crosses above `overbought` (previous ≤ overbought, current >
 *   overbought): cash = `units × open × (1 − fee)`.
 * - Equity is cash when flat, `units × close` when long. A trade still open at the end is marked
 *   at the last close (no exit fee) and keeps `exit` null.
 */
export function simulateRsiMeanReversion(
  bars: readonly PriceBar[],
  strategy: RsiMeanReversion,
): Simulation {
  const rsi = wilderRsi(
    bars.map((bar) => bar.c),
    strategy.rsiPeriod,
  )
  const fee = strategy.feeBps / 10_000
  const trades: SimulatedTrade[] = []
  const equity: EquityPoint[] = []
  let cash = strategy.initialCapital
  let units = 0
  let position: { t: number; price: number; committed: number } | null = null
  let order: Order = null

  bars.forEach((bar, i) => {
    // A zero open cannot be bought at; the order lapses.
    if (order === 'buy' && bar.o > 0) {
      units = (cash * (1 - fee)) / bar.o
      position = { t: bar.t, price: bar.o, committed: cash }
      cash = 0
    } else if (order === 'sell' && position !== null) {
      cash = units * bar.o * (1 - fee)
      trades.push({
        entryT: position.t,
        entryPrice: position.price,
        exitT: bar.t,
        exitPrice: bar.o,
        return: cash / position.committed - 1,
      })
      units = 0
      position = null
    }
    order = null
    equity.push({ t: bar.t, equity: position === null ? cash : units * bar.c })

    const now = rsi[i]
    const before = rsi[i - 1]
    if (i === bars.length - 1 || now == null || before == null) return
    if (position === null && before >= strategy.oversold && now < strategy.oversold) order = 'buy'
    if (position !== null && before <= strategy.overbought && now > strategy.overbought)
      order = 'sell'
  })

  const open = position as { t: number; price: number; committed: number } | null
  const last = equity.at(-1)
  if (open !== null && last !== undefined) {
    trades.push({
      entryT: open.t,
      entryPrice: open.price,
      exitT: null,
      exitPrice: null,
      return: last.equity / open.committed - 1,
    })
  }
  return { trades, equity }
}
