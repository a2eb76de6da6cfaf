import { Type } from '@sinclair/typebox'
import { defineDataset } from '../dataset'
import { MARKETS_PAGE_SIZE } from '../jobs'
import { CoinIdParams, Nullable, parseCoinId } from './coin-id'
import { tokenomics } from './tokenomics'

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
  // Made-up ids are refused before they cost a call, once CoinGecko's id list is cached.
  listedIn: (params) => ({ catalog: 'coingecko-coins', id: params.id }),
  value: CoinValue,
  freshness: { freshMs: 300_000, staleMs: 600_000, errorMs: 3_600_000, negativeMs: 60_000 },
  fill: (params) => ({ queue: 'coingecko', name: 'coingecko.coin', data: { id: params.id } }),
  // Supplies come with the same /coins/{id} call as prices.
  fillsAlso: [tokenomics],
  // One /coins/markets call fills up to 250 coins (and their tokenomics), or the top N.
  batch: {
    maxItems: MARKETS_PAGE_SIZE,
    fill: (list) => {
      const pages = []
      for (let i = 0; i < list.length; i += MARKETS_PAGE_SIZE) {
        const params = list.slice(i, i + MARKETS_PAGE_SIZE)
        const ids = params.map((p) => p.id)
        pages.push({
          request: { queue: 'coingecko', name: 'coingecko.markets', data: { ids } } as const,
          params,
        })
      }
      return pages
    },
    top: (limit) => ({ queue: 'coingecko', name: 'coingecko.markets', data: { top: limit } }),
  },
})
