import { type Static, Type } from '@sinclair/typebox'
import { defineDataset } from '../dataset'
import { InvalidParamError } from '../errors'
import type { JobRequest } from '../jobs'

/** The id lists providers publish, by the name marketcache caches each one under. */
export const CatalogName = {
  coingeckoCoins: 'coingecko-coins',
  bybitSpot: 'bybit-spot',
  bybitOptions: 'bybit-options',
} as const
export type CatalogName = (typeof CatalogName)[keyof typeof CatalogName]

/** The job that fetches each list: one provider call (or one paged listing) per catalog. */
const CATALOG_FILLS: Record<CatalogName, JobRequest> = {
  // CoinGecko /coins/list.
  'coingecko-coins': { queue: 'coingecko', name: 'coingecko.catalog', data: {} },
  // Bybit instruments-info, category=spot (one page).
  'bybit-spot': { queue: 'bybit', name: 'bybit.catalog', data: {} },
  // Bybit option-base-coins: every base coin with options, in one call.
  'bybit-options': { queue: 'bybit', name: 'bybit.option-catalog', data: {} },
}

export const CatalogParams = Type.Object({
  name: Type.Union(Object.values(CatalogName).map((name) => Type.Literal(name))),
})
export type CatalogParams = Static<typeof CatalogParams>

const CatalogId = Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$' })

/** Every id a provider lists: what a miss is checked against before it may spend quota. */
export const CatalogValue = Type.Object(
  {
    name: Type.String(),
    provider: Type.String(),
    /** Sorted, each once. */
    ids: Type.Array(CatalogId),
    /**
     * CoinGecko's only: the first page of `/coins/markets` (up to 250 ids, by market cap), the
     * coins most likely to be read. A coin miss's call takes the ones that are not fresh along.
     */
    top: Type.Optional(Type.Array(CatalogId, { maxItems: 250 })),
    as_of: Type.String({ minLength: 1 }),
  },
  { additionalProperties: false, $id: 'Catalog' },
)
export type Catalog = Static<typeof CatalogValue>

export const catalog = defineDataset({
  name: 'catalog',
  schemaVersion: 1,
  params: CatalogParams,
  parseParams: (raw) => {
    const names = Object.values(CatalogName) as string[]
    if (typeof raw.name !== 'string' || !names.includes(raw.name)) {
      throw new InvalidParamError('name', `name must be one of ${names.join(', ')}`)
    }
    return { name: raw.name as CatalogName }
  },
  segments: (params) => [params.name],
  value: CatalogValue,
  // Listings change rarely; an hour-old list only delays a newly listed id by that much.
  freshness: {
    freshMs: 3_600_000,
    staleMs: 86_400_000,
    errorMs: 7 * 86_400_000,
    negativeMs: 300_000,
  },
  fill: (params) => CATALOG_FILLS[params.name],
})
