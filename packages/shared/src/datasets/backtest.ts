import { type Static, Type } from '@sinclair/typebox'
import { defineDataset } from '../dataset'
import { digest } from '../keys'
import { BacktestParams, parseBacktestParams, STRATEGY } from './backtest-params'
import { Nullable } from './coin-id'

const Trade = Type.Object(
  {
    entry_time: Type.String(),
    entry_price: Type.Number(),
    exit_time: Nullable(Type.String()),
    exit_price: Nullable(Type.Number()),
    /** Net of fees, as a fraction; for an open trade, marked at the last close. */
    return: Type.Number(),
  },
  { additionalProperties: false },
)

export const BacktestValue = Type.Object(
  {
    strategy: Type.Literal(STRATEGY),
    params: BacktestParams,
    /** The candles actually used (the cached series may start later than `start`). */
    from: Type.String(),
    to: Type.String(),
    candles: Type.Integer({ minimum: 0 }),
    total_return: Type.Number(),
    cagr: Nullable(Type.Number()),
    trade_count: Type.Integer({ minimum: 0 }),
    win_rate: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
    /** Largest peak-to-trough fall of the equity curve, as a positive fraction. */
    max_drawdown: Type.Number({ minimum: 0 }),
    /** Annualised, from per-candle returns, risk-free rate 0. */
    sharpe: Nullable(Type.Number()),
    trades: Type.Array(Trade),
    /** At most 500 points, first and last included. */
    equity_curve: Type.Array(
      Type.Object({ t: Type.Integer(), equity: Type.Number() }, { additionalProperties: false }),
    ),
    as_of: Type.String(),
  },
  { additionalProperties: false, $id: 'Backtest' },
)
export type Backtest = Static<typeof BacktestValue>

export const backtest = defineDataset({
  name: 'backtest',
  schemaVersion: 1,
  params: BacktestParams,
  parseParams: parseBacktestParams,
  // Strategy and symbol stay readable (and scannable); the rest is a digest of canonical JSON.
  segments: (params) => [STRATEGY, params.symbol, digest(params)],
  value: BacktestValue,
  freshness: { freshMs: 86_400_000, staleMs: 86_400_000, errorMs: 86_400_000, negativeMs: 300_000 },
  fill: (params) => ({ queue: 'derive', name: 'derive.backtest', data: params }),
})
