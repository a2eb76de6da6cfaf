import {
  Collar,
  type CollarFilters,
  type CollarSet,
  CollarSort,
  selectCollars,
} from '@marketcache/shared/datasets/collar'
import { InvalidParamError } from '@marketcache/shared/errors'
import { Type } from '@sinclair/typebox'
import { canonicalFilterKey, type ReadFilter } from './read-filter'

/** Most collars one response may list. */
export const COLLAR_LIMIT_MAX = 1000
/** @defaultValue the 100 best by gain to risk */
const DEFAULT_VIEW = { sort: 'gain_to_risk', limit: 100 } as const

/**
 * The collar route's query: the entry's params (`underlying`, `exchange`) and the read-time
 * filters. Types and ranges are checked by the schema; `sort` and the min/max pair by
 * `parseCollarFilters`, whose messages name the parameter.
 */
export const CollarQuery = {
  underlying: Type.String({
    description:
      'The underlying: on bybit a base coin such as BTC, on ibkr a US stock ticker (case-insensitive).',
  }),
  exchange: Type.Optional(
    Type.String({ enum: ['bybit', 'ibkr'], description: 'bybit (default) or ibkr.' }),
  ),
  min_days: Type.Optional(
    Type.Number({ minimum: 0, description: 'Only expiries at least this many days away.' }),
  ),
  max_days: Type.Optional(
    Type.Number({ minimum: 0, description: 'Only expiries at most this many days away.' }),
  ),
  min_gain_to_risk: Type.Optional(
    Type.Number({ description: 'Only collars whose max gain / max loss is at least this.' }),
  ),
  // `enum` documents the values; parseCollarFilters enforces them with a message that lists them.
  sort: Type.Optional(
    Type.String({
      enum: [...CollarSort],
      description:
        'Order: gain_to_risk (default) and max_gain descending; net_cost, days_to_expiry and ' +
        'protection ascending. Ties: put strike, then call strike, ascending.',
    }),
  ),
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: COLLAR_LIMIT_MAX,
      description: `At most this many collars (default ${DEFAULT_VIEW.limit}).`,
    }),
  ),
}

/** The filters of a collar request (already type-checked by the schema), defaults applied. */
export function parseCollarFilters(query: Readonly<Record<string, unknown>>): CollarFilters {
  const filters: CollarFilters = { ...DEFAULT_VIEW }
  for (const name of ['min_days', 'max_days', 'min_gain_to_risk', 'limit'] as const) {
    if (typeof query[name] === 'number') filters[name] = query[name]
  }
  if (typeof query.sort === 'string') {
    const sort = query.sort.toLowerCase()
    if (!(CollarSort as readonly string[]).includes(sort)) {
      throw new InvalidParamError('sort', `sort must be one of ${CollarSort.join(', ')}`)
    }
    filters.sort = sort as CollarFilters['sort']
  }
  const { min_days: min, max_days: max } = filters
  if (min !== undefined && max !== undefined && min > max) {
    throw new InvalidParamError(
      'min_days',
      `min_days (${min}) must not be greater than max_days (${max})`,
    )
  }
  return filters
}

/** What `GET /v1/crypto-collar` answers: the set's metadata and the selected collars. */
export function collarView(set: CollarSet, filters: CollarFilters) {
  const { collars, matched } = selectCollars(set, filters)
  return {
    metadata: {
      underlying: set.underlying,
      exchange: set.exchange,
      spot: set.spot,
      as_of: set.as_of,
      total_count: set.total_count,
      matched,
      inputs: { chain_as_of: set.inputs.chain_as_of, spot_as_of: set.inputs.spot_as_of },
    },
    collars,
  }
}

/**
 * The route's ReadFilter parser. Never null: the stored set is always reshaped into the view, so
 * every response has a weak ETag of the stored version and the filters (defaults included, so
 * `?sort=gain_to_risk&limit=100` and no filter at all share one).
 */
export function collarReadFilter(query: Readonly<Record<string, unknown>>): ReadFilter {
  const filters = parseCollarFilters(query)
  return {
    key: canonicalFilterKey({ ...filters }),
    apply: (value) => collarView(value as CollarSet, filters),
  }
}

/** The response schema, registered by `registerOpenApi`. */
export const CollarResponse = Type.Object(
  {
    metadata: Type.Object({
      underlying: Type.String(),
      exchange: Type.String(),
      spot: Type.Number({ description: 'The spot every collar was computed with.' }),
      as_of: Type.String({
        format: 'date-time',
        description: 'The older of the inputs: the collars are no newer than this.',
      }),
      total_count: Type.Integer({ description: 'Every valid combination in the cached set.' }),
      matched: Type.Integer({ description: 'Combinations the filters select, before `limit`.' }),
      inputs: Type.Object({
        chain_as_of: Type.String({ format: 'date-time' }),
        spot_as_of: Type.String({ format: 'date-time' }),
      }),
    }),
    collars: Type.Array(Collar, { description: 'Sorted by `sort`, at most `limit` of them.' }),
  },
  {
    $id: 'CollarResponse',
    description:
      'Collars: long 1 unit at spot S, a bought put at Kp (at its ask), a sold call at Kc (at its ' +
      'bid), same expiry. net_cost = put ask − call bid; max_gain = (Kc − S) − net_cost; ' +
      'max_loss = (S − Kp) + net_cost; breakeven = S + net_cost; protection = (S − Kp) / S.',
  },
)
