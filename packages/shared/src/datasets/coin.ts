import { Type } from '@sinclair/typebox'
import { defineDataset } from '../dataset'
import { CoinIdParams, Nullable, parseCoinId } from './coin-id'

/** Market data for one coin in USD. */
export const CoinValue = Type.Object(
  {
    id: Type.String(),
    symbol: Type.String(),
    name: Type.String(),
    currency: Type.Literal('usd'),
    price: Type.Number({ minimum: 0 }),
    market_cap: Nullable(Type.Number({ minimum: 0 })),
    total_volume: Nullable(Type.Number({ minimum: 0 })),
    price_change_percentage_24h: Nullable(Type.Number()),
    market_cap_rank: Nullable(Type.Integer({ minimum: 1 })),
    /** The provider's timestamp (ISO 8601); also the envelope's `asOf`. */
    last_updated: Type.String({ minLength: 1 }),
  },
  { additionalProperties: false, $id: 'Coin' },
)

export const coin = defineDataset({
  name: 'coin',
  schemaVersion: 1,
  params: CoinIdParams,
  parseParams: (raw) => ({ id: parseCoinId(raw.id) }),
  segments: (params) => [params.id],
  value: CoinValue,
  freshness: { freshMs: 300_000, staleMs: 600_000, errorMs: 3_600_000, negativeMs: 60_000 },
  fill: (params) => ({ queue: 'coingecko', name: 'coingecko.coin', data: { id: params.id } }),
})
