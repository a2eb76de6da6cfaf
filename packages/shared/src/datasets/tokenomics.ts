import { Type } from '@sinclair/typebox'
import { defineDataset } from '../dataset'
import { CoinIdParams, Nullable, parseCoinId } from './coin-id'

/** Supply figures for one coin. */
export const TokenomicsValue = Type.Object(
  {
    id: Type.String(),
    circulating_supply: Nullable(Type.Number({ minimum: 0 })),
    total_supply: Nullable(Type.Number({ minimum: 0 })),
    /** null when the coin has no cap (or the provider does not say). */
    max_supply: Nullable(Type.Number({ minimum: 0 })),
    max_supply_infinite: Type.Boolean(),
    /** USD; price × (max supply, else total supply). */
    fully_diluted_valuation: Nullable(Type.Number({ minimum: 0 })),
    last_updated: Type.String({ minLength: 1 }),
  },
  { additionalProperties: false, $id: 'Tokenomics' },
)

export const tokenomics = defineDataset({
  name: 'tokenomics',
  schemaVersion: 1,
  params: CoinIdParams,
  parseParams: (raw) => ({ id: parseCoinId(raw.id) }),
  segments: (params) => [params.id],
  // Made-up ids are refused before they cost a call, once CoinGecko's id list is cached.
  listedIn: (params) => ({ catalog: 'coingecko-coins', id: params.id }),
  value: TokenomicsValue,
  freshness: { freshMs: 600_000, staleMs: 1_200_000, errorMs: 7_200_000, negativeMs: 60_000 },
  // Supplies come with the same /coins/{id} call as prices, so one job fills both entries.
  fill: (params) => ({ queue: 'coingecko', name: 'coingecko.coin', data: { id: params.id } }),
})
