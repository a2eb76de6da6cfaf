import type { Backtest } from '@marketcache/shared/datasets/backtest'
import { type BacktestParams, STRATEGY } from '@marketcache/shared/datasets/backtest-params'
import type { Ohlcv } from '@marketcache/shared/datasets/ohlcv'
import { simulateRsiMeanReversion } from './analytics/backtest'
import {
  cagr,
  downsample,
  maxDrawdown,
  sharpeRatio,
  totalReturn,
  winRate,
} from './analytics/performance'

const DAY_MS = 86_400_000
/** The value schema's cap on `equity_curve`. */
export const EQUITY_CURVE_POINTS = 500

/** Candles per year, for annualising the Sharpe ratio (crypto trades around the clock). */
export const PERIODS_PER_YEAR: Record<BacktestParams['interval'], number> = {
  '1h': 365 * 24,
  '1d': 365,
}

/**
 * The candles a backtest uses: open time within [start 00:00, end 24:00) UTC, both dates
 * inclusive; an empty date leaves that side open.
 */
export function candlesInRange(
  candles: readonly Ohlcv['candles'][number][],
  start: string,
  end: string,
): Ohlcv['candles'] {
  const from = start === '' ? Number.NEGATIVE_INFINITY : Date.parse(`${start}T00:00:00Z`)
  const until = end === '' ? Number.POSITIVE_INFINITY : Date.parse(`${end}T00:00:00Z`) + DAY_MS
  return candles.filter((candle) => candle.t >= from && candle.t < until)
}

const iso = (ms: number) => new Date(ms).toISOString()

/** The `backtest` value for canonical params over a cached candle series, as of `asOf`. */
export function backtestValue(params: BacktestParams, series: Ohlcv, asOf: number): Backtest {
  const candles = candlesInRange(series.candles, params.start, params.end)
  const simulation = simulateRsiMeanReversion(candles, {
    rsiPeriod: params.rsi_period,
    oversold: params.oversold,
    overbought: params.overbought,
    feeBps: params.fee_bps,
    initialCapital: params.initial_capital,
  })
  const equity = simulation.equity.map((point) => point.equity)
  const first = candles[0]
  const last = candles.at(-1)
  const final = equity.at(-1) ?? params.initial_capital
  return {
    strategy: STRATEGY,
    params,
    from: first ? iso(first.t) : '',
    to: last ? iso(last.t) : '',
    candles: candles.length,
    total_return: totalReturn(params.initial_capital, final),
    cagr: first && last ? cagr(params.initial_capital, final, first.t, last.t) : null,
    trade_count: simulation.trades.length,
    win_rate: winRate(simulation.trades),
    max_drawdown: maxDrawdown(equity),
    sharpe: sharpeRatio(equity, PERIODS_PER_YEAR[params.interval]),
    trades: simulation.trades.map((trade) => ({
      entry_time: iso(trade.entryT),
      entry_price: trade.entryPrice,
      exit_time: trade.exitT === null ? null : iso(trade.exitT),
      exit_price: trade.exitPrice,
      return: trade.return,
    })),
    equity_curve: downsample(simulation.equity, EQUITY_CURVE_POINTS),
    as_of: iso(asOf),
  }
}
