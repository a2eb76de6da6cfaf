import { Type } from '@sinclair/typebox'
import { defineDataset } from '../dataset'
import { InvalidParamError } from '../errors'
import { Market } from '../markets'
import { Nullable } from './coin-id'

export const MarketStatusParams = Type.Object({
  market: Type.Union(Object.values(Market).map((market) => Type.Literal(market))),
})

export const MarketStatusValue = Type.Object(
  {
    market: Type.String(),
    status: Type.Union([
      Type.Literal('open'),
      Type.Literal('pre-market'),
      Type.Literal('post-market'),
      Type.Literal('closed'),
    ]),
    /** True only in the regular session (always, for crypto). */
    is_open: Type.Boolean(),
    /** IANA zone the sessions are defined in. */
    timezone: Type.String(),
    /** Next start of the regular session (ISO 8601); null when always open. */
    next_open: Nullable(Type.String()),
    /** Next end of the regular session; null when always open. */
    next_close: Nullable(Type.String()),
    /** Why closed or shortened: `weekend`, `holiday: Thanksgiving Day`, `early close: …`. */
    reason: Nullable(Type.String()),
    as_of: Type.String({ minLength: 1 }),
  },
  { additionalProperties: false, $id: 'MarketStatus' },
)

export const marketStatus = defineDataset({
  name: 'market-status',
  schemaVersion: 1,
  params: MarketStatusParams,
  parseParams: (raw) => {
    const market = typeof raw.market === 'string' ? raw.market.toLowerCase() : raw.market
    if (market !== Market.crypto && market !== Market.usEquities) {
      throw new InvalidParamError(
        'market',
        `market must be one of ${Object.values(Market).join(', ')}`,
      )
    }
    return { market }
  },
  segments: (params) => [params.market],
  value: MarketStatusValue,
  freshness: { freshMs: 60_000, staleMs: 60_000, errorMs: 600_000, negativeMs: 60_000 },
  // Computed from the exchange calendar by the worker; no provider call.
  fill: (params) => ({
    queue: 'derive',
    name: 'derive.market-status',
    data: { market: params.market },
  }),
})
