import { type Static, Type } from '@sinclair/typebox'
import { InvalidParamError } from '../errors'
import { parseExchange, parseSymbol } from '../exchanges'
import { parseInterval } from '../intervals'

// Backtest params live apart from the dataset because job payloads carry them: the job table
// (jobs.ts) imports this module, and the dataset module imports the job table.

export const STRATEGY = 'rsi-mean-reversion'
export const BACKTEST_INTERVALS = ['1h', '1d'] as const

/** Canonical backtest params: every default applied, so equal requests hash alike. */
export const BacktestParams = Type.Object({
  exchange: Type.Literal('bybit'),
  symbol: Type.String(),
  interval: Type.Union(BACKTEST_INTERVALS.map((i) => Type.Literal(i))),
  /** `YYYY-MM-DD` (UTC) or empty for "from the first cached candle". */
  start: Type.String(),
  /** `YYYY-MM-DD` (UTC, inclusive) or empty for "through the last cached candle". */
  end: Type.String(),
  rsi_period: Type.Integer({ minimum: 2, maximum: 100 }),
  oversold: Type.Number({ minimum: 0, maximum: 100 }),
  overbought: Type.Number({ minimum: 0, maximum: 100 }),
  fee_bps: Type.Number({ minimum: 0, maximum: 1000 }),
  initial_capital: Type.Number({ exclusiveMinimum: 0 }),
})
export type BacktestParams = Static<typeof BacktestParams>

export const BACKTEST_DEFAULTS = {
  interval: '1d',
  start: '',
  end: '',
  rsi_period: 14,
  oversold: 30,
  overbought: 70,
  fee_bps: 10,
  initial_capital: 10_000,
} as const

const DATE = /^\d{4}-\d{2}-\d{2}$/

function number(raw: unknown, name: string, fallback: number): number {
  if (raw === undefined || raw === '') return fallback
  const value = typeof raw === 'number' ? raw : Number(raw)
  if (typeof raw === 'string' && !/^-?\d+(\.\d+)?$/.test(raw))
    throw new InvalidParamError(name, `${name} must be a number`)
  if (!Number.isFinite(value)) throw new InvalidParamError(name, `${name} must be a number`)
  return value
}

function date(raw: unknown, name: string): string {
  if (raw === undefined || raw === '') return ''
  // Date.parse rolls 2025-02-30 over to March; only a date that reads back the same is real.
  const parsed = typeof raw === 'string' && DATE.test(raw) ? new Date(`${raw}T00:00:00Z`) : null
  if (
    parsed === null ||
    Number.isNaN(parsed.getTime()) ||
    parsed.toISOString().slice(0, 10) !== raw
  ) {
    throw new InvalidParamError(name, `${name} must be a date as YYYY-MM-DD`)
  }
  return raw
}

/** Validates and canonicalises backtest params (strings from a query, or numbers from JSON). */
export function parseBacktestParams(raw: Readonly<Record<string, unknown>>): BacktestParams {
  const exchange = parseExchange(raw.exchange ?? 'bybit', 'candles')
  if (exchange !== 'bybit')
    throw new InvalidParamError('exchange', 'backtests run on bybit candles')
  const interval = parseInterval(exchange, raw.interval ?? BACKTEST_DEFAULTS.interval)
  if (!(BACKTEST_INTERVALS as readonly string[]).includes(interval)) {
    throw new InvalidParamError(
      'interval',
      `interval must be one of ${BACKTEST_INTERVALS.join(', ')}`,
    )
  }
  const params: BacktestParams = {
    exchange,
    symbol: parseSymbol(exchange, 'candles', raw.symbol),
    interval: interval as BacktestParams['interval'],
    start: date(raw.start, 'start'),
    end: date(raw.end, 'end'),
    rsi_period: number(raw.rsi_period, 'rsi_period', BACKTEST_DEFAULTS.rsi_period),
    oversold: number(raw.oversold, 'oversold', BACKTEST_DEFAULTS.oversold),
    overbought: number(raw.overbought, 'overbought', BACKTEST_DEFAULTS.overbought),
    fee_bps: number(raw.fee_bps, 'fee_bps', BACKTEST_DEFAULTS.fee_bps),
    initial_capital: number(
      raw.initial_capital,
      'initial_capital',
      BACKTEST_DEFAULTS.initial_capital,
    ),
  }
  if (!Number.isInteger(params.rsi_period) || params.rsi_period < 2 || params.rsi_period > 100) {
    throw new InvalidParamError('rsi_period', 'rsi_period must be a whole number from 2 to 100')
  }
  for (const name of ['oversold', 'overbought'] as const) {
    if (params[name] < 0 || params[name] > 100)
      throw new InvalidParamError(name, `${name} must be from 0 to 100`)
  }
  if (params.oversold >= params.overbought) {
    throw new InvalidParamError('oversold', 'oversold must be below overbought')
  }
  if (params.fee_bps < 0 || params.fee_bps > 1000)
    throw new InvalidParamError('fee_bps', 'fee_bps must be from 0 to 1000')
  if (params.initial_capital <= 0)
    throw new InvalidParamError('initial_capital', 'initial_capital must be positive')
  if (params.start && params.end && params.start > params.end) {
    throw new InvalidParamError('start', 'start must not be after end')
  }
  return params
}
