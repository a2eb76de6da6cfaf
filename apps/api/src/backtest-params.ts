import {
  BACKTEST_DEFAULTS,
  BACKTEST_INTERVALS,
  type BacktestParams,
  parseBacktestParams,
} from '@marketcache/shared/datasets/backtest-params'
import { InvalidParamError } from '@marketcache/shared/errors'
import { type Static, Type } from '@sinclair/typebox'
import { ApiError } from './errors'

/** Most symbols one batch may run. */
export const BATCH_MAX_SYMBOLS = 250

/**
 * A backtest's parameters other than the symbol, as the query of `GET /v1/backtests` and the
 * body of a batch take them. Ranges are documented here; `parseBacktestParams` is the validator
 * (its 400 names the parameter), and it applies the defaults so equal requests share one entry.
 */
const StrategyParams = {
  exchange: Type.Optional(
    Type.String({ enum: ['bybit'], description: 'bybit (default): the candles backtests run on.' }),
  ),
  interval: Type.Optional(
    Type.String({
      enum: [...BACKTEST_INTERVALS],
      description: `Candle interval: ${BACKTEST_INTERVALS.join(' or ')} (default ${BACKTEST_DEFAULTS.interval}).`,
    }),
  ),
  start: Type.Optional(
    Type.String({
      description: 'First day, YYYY-MM-DD (UTC); empty or absent: from the first cached candle.',
    }),
  ),
  end: Type.Optional(
    Type.String({
      description:
        'Last day, YYYY-MM-DD (UTC, inclusive); empty or absent: through the last cached candle.',
    }),
  ),
  rsi_period: Type.Optional(
    Type.Integer({
      minimum: 2,
      maximum: 100,
      description: `RSI lookback in candles, 2-100 (default ${BACKTEST_DEFAULTS.rsi_period}).`,
    }),
  ),
  oversold: Type.Optional(
    Type.Number({
      minimum: 0,
      maximum: 100,
      description: `Buy when the RSI falls below this, 0-100 and below overbought (default ${BACKTEST_DEFAULTS.oversold}).`,
    }),
  ),
  overbought: Type.Optional(
    Type.Number({
      minimum: 0,
      maximum: 100,
      description: `Sell when the RSI rises above this, 0-100 (default ${BACKTEST_DEFAULTS.overbought}).`,
    }),
  ),
  fee_bps: Type.Optional(
    Type.Number({
      minimum: 0,
      maximum: 1000,
      description: `Fee per trade side in basis points, 0-1000 (default ${BACKTEST_DEFAULTS.fee_bps}).`,
    }),
  ),
  initial_capital: Type.Optional(
    Type.Number({
      exclusiveMinimum: 0,
      description: `Starting equity, > 0 (default ${BACKTEST_DEFAULTS.initial_capital}).`,
    }),
  ),
}

const SymbolParam = Type.String({ description: 'A Bybit pair such as BTCUSDT (case-insensitive).' })

/** The query of `GET /v1/backtests`: every parameter is part of the key (hashed). */
export const BacktestQuery = { symbol: SymbolParam, ...StrategyParams }
export const BACKTEST_QUERY_PARAMS = Object.keys(BacktestQuery)

export const BatchBody = Type.Object(
  {
    symbols: Type.Array(SymbolParam, {
      minItems: 1,
      maxItems: BATCH_MAX_SYMBOLS,
      description: `1-${BATCH_MAX_SYMBOLS} distinct symbols, each run with the same parameters.`,
    }),
    ...StrategyParams,
  },
  { additionalProperties: false },
)
export type BatchBody = Static<typeof BatchBody>

/** A batch: the parameters every symbol shares, and each symbol's canonical params. */
export interface Batch {
  shared: Omit<BacktestParams, 'symbol'>
  runs: BacktestParams[]
}

/**
 * Validates a batch body the way `GET /v1/backtests` validates its query, symbol by symbol.
 * Throws INVALID_BODY naming the problem; a symbol repeated (after canonicalisation) is one.
 */
export function parseBatch(body: BatchBody): Batch {
  const { symbols, ...rest } = body
  const seen = new Map<string, number>()
  const runs = symbols.map((symbol, index) => {
    let params: BacktestParams
    try {
      params = parseBacktestParams({ ...rest, symbol })
    } catch (error) {
      if (!(error instanceof InvalidParamError)) throw error
      const where = error.param === 'symbol' ? `symbols[${index}]: ` : ''
      throw new ApiError('INVALID_BODY', `${where}${error.message}`)
    }
    const first = seen.get(params.symbol)
    if (first !== undefined) {
      throw new ApiError(
        'INVALID_BODY',
        `symbols[${index}] repeats symbols[${first}] (${params.symbol}); list each symbol once`,
      )
    }
    seen.set(params.symbol, index)
    return params
  })
  const { symbol: _symbol, ...shared } = runs[0]!
  return { shared, runs }
}
