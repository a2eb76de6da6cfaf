import { BacktestParams } from '@marketcache/shared/datasets/backtest'
import { CoinIdParams } from '@marketcache/shared/datasets/coin-id'
import { Market } from '@marketcache/shared/datasets/market-status'
import { Interval } from '@marketcache/shared/intervals'
import { type JobName, type JobRequest, MARKETS_PAGE_SIZE } from '@marketcache/shared/jobs'
import { type Static, type TSchema, Type } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'

const CoinId = CoinIdParams.properties.id
/** Job data carries canonical params (the producers validated them); this re-checks the shape. */
const SymbolSegment = Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$' })
const IntervalName = Type.Union(Object.keys(Interval).map((name) => Type.Literal(name)))
const Symbols = Type.Array(SymbolSegment, { minItems: 1, maxItems: 100 })

/**
 * Job data per job name. `strict` rejects unknown fields (config must have none); jobs arriving
 * from producers may carry extra fields (`origin`, tracing), which processors simply ignore.
 */
function jobDataSchemas(strict: boolean) {
  const options = { additionalProperties: !strict }
  return {
    'coingecko.coin': Type.Object({ id: CoinId }, options),
    'coingecko.markets': Type.Union([
      Type.Object(
        { ids: Type.Array(CoinId, { minItems: 1, maxItems: MARKETS_PAGE_SIZE }) },
        options,
      ),
      Type.Object({ top: Type.Integer({ minimum: 1, maximum: MARKETS_PAGE_SIZE }) }, options),
    ]),
    'coingecko.ohlc': Type.Object({ id: CoinId, interval: IntervalName }, options),
    'bybit.spot': Type.Object({ symbols: Symbols }, options),
    'bybit.instruments': Type.Object({ underlying: SymbolSegment }, options),
    'bybit.option-chain': Type.Object({ underlying: SymbolSegment }, options),
    'bybit.kline': Type.Object({ symbol: SymbolSegment, interval: IntervalName }, options),
    'ibkr.spot': Type.Object({ symbols: Symbols }, options),
    'ibkr.instruments': Type.Object({ underlying: SymbolSegment }, options),
    'ibkr.option-chain': Type.Object({ underlying: SymbolSegment }, options),
    'derive.market-status': Type.Object(
      { market: Type.Union(Object.values(Market).map((market) => Type.Literal(market))) },
      options,
    ),
    'derive.collar': Type.Object({ exchange: SymbolSegment, underlying: SymbolSegment }, options),
    'derive.options-summary': Type.Object(
      { exchange: SymbolSegment, underlying: SymbolSegment },
      options,
    ),
    'derive.backtest': Type.Object(BacktestParams.properties, options),
    'derive.backtest-batch': Type.Object(
      {
        ...Type.Omit(BacktestParams, ['symbol']).properties,
        symbols: Type.Array(SymbolSegment, { minItems: 1, maxItems: 1000 }),
      },
      options,
    ),
  } as const satisfies Record<JobName, TSchema>
}

const strictData = jobDataSchemas(true)
const noExtras = { additionalProperties: false } as const

const request = <Q extends string, N extends JobName>(queue: Q, name: N) =>
  Type.Object(
    { queue: Type.Literal(queue), name: Type.Literal(name), data: strictData[name] },
    noExtras,
  )

/** A JobRequest as a schema, for requests that arrive as text (warm-up schedules). */
export const JobRequestSchema = Type.Union([
  request('coingecko', 'coingecko.coin'),
  request('coingecko', 'coingecko.markets'),
  request('coingecko', 'coingecko.ohlc'),
  request('bybit', 'bybit.spot'),
  request('bybit', 'bybit.instruments'),
  request('bybit', 'bybit.option-chain'),
  request('bybit', 'bybit.kline'),
  request('ibkr', 'ibkr.spot'),
  request('ibkr', 'ibkr.instruments'),
  request('ibkr', 'ibkr.option-chain'),
  request('derive', 'derive.market-status'),
  request('derive', 'derive.collar'),
  request('derive', 'derive.options-summary'),
  request('derive', 'derive.backtest'),
  request('derive', 'derive.backtest-batch'),
])

// Fails to compile when the schema and shared's JobRequest drift apart.
type Assignable<T extends JobRequest> = T
export type ValidJobRequest = Assignable<Static<typeof JobRequestSchema>>

const checkers = Object.fromEntries(
  Object.entries(jobDataSchemas(false)).map(([name, schema]) => [
    name,
    TypeCompiler.Compile(schema as TSchema),
  ]),
) as Record<JobName, ReturnType<typeof TypeCompiler.Compile>>

/** The first problem with a job's data, or null when a processor can run it. */
export function jobDataProblem(name: JobName, data: unknown): string | null {
  const error = checkers[name].Errors(data).First()
  return error ? `${error.path || '(root)'}: ${error.message}` : null
}
