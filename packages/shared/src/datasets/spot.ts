import { type Static, Type } from '@sinclair/typebox'
import { defineDataset } from '../dataset'
import { parseExchange, parseSymbol } from '../exchanges'
import { type JobRequest, SPOT_BATCH_SIZE } from '../jobs'
import { Nullable } from './coin-id'

export const SpotParams = Type.Object({
  exchange: Type.Union([Type.Literal('bybit'), Type.Literal('ibkr')]),
  symbol: Type.String(),
})

/** The latest trade and quote of one instrument. */
export const SpotValue = Type.Object(
  {
    exchange: Type.String(),
    symbol: Type.String(),
    /** Last traded price (for a closed stock market: the previous close). */
    price: Type.Number({ minimum: 0 }),
    bid: Nullable(Type.Number({ minimum: 0 })),
    ask: Nullable(Type.Number({ minimum: 0 })),
    change_24h_pct: Nullable(Type.Number()),
    high_24h: Nullable(Type.Number({ minimum: 0 })),
    low_24h: Nullable(Type.Number({ minimum: 0 })),
    volume_24h: Nullable(Type.Number({ minimum: 0 })),
    /** The provider's timestamp (ISO 8601); also the envelope's asOf. */
    as_of: Type.String({ minLength: 1 }),
  },
  { additionalProperties: false, $id: 'Spot' },
)

type SpotParams = Static<typeof SpotParams>

/** The one spot job of an exchange for these symbols: a tickers call, or a round of snapshots. */
function spotJob(exchange: SpotParams['exchange'], symbols: string[]): JobRequest {
  return exchange === 'bybit'
    ? { queue: 'bybit', name: 'bybit.spot', data: { symbols } }
    : { queue: 'ibkr', name: 'ibkr.spot', data: { symbols } }
}

/** One job per exchange and 100 symbols, each with the params it fills, in the given order. */
function spotBatches(list: readonly SpotParams[]) {
  const batches: { request: JobRequest; params: SpotParams[] }[] = []
  for (const exchange of ['bybit', 'ibkr'] as const) {
    const ours = list.filter((params) => params.exchange === exchange)
    for (let i = 0; i < ours.length; i += SPOT_BATCH_SIZE) {
      const params = ours.slice(i, i + SPOT_BATCH_SIZE)
      const symbols = params.map((p) => p.symbol)
      batches.push({ request: spotJob(exchange, symbols), params })
    }
  }
  return batches
}

export const spot = defineDataset({
  name: 'spot',
  schemaVersion: 1,
  params: SpotParams,
  parseParams: (raw) => {
    const exchange = parseExchange(raw.exchange, 'spot') as 'bybit' | 'ibkr'
    return { exchange, symbol: parseSymbol(exchange, 'spot', raw.symbol) }
  },
  segments: (params) => [params.exchange, params.symbol],
  // Bybit pairs it does not list are refused before they cost a call, once its list is cached.
  listedIn: (params) =>
    params.exchange === 'bybit' ? { catalog: 'bybit-spot', id: params.symbol } : null,
  value: SpotValue,
  freshness: { freshMs: 30_000, staleMs: 60_000, errorMs: 600_000, negativeMs: 60_000 },
  fill: (params) => spotJob(params.exchange, [params.symbol]),
  // One Bybit tickers call, or one round of IBKR snapshots, fills every symbol of a list.
  batch: { maxItems: SPOT_BATCH_SIZE, fill: spotBatches },
})
