import {
  COLLAR_RISK_FLOOR,
  Collar,
  type CollarSet,
  PROTECTION_BUCKETS,
} from '@marketcache/shared/datasets/collar'
import {
  type CollarFilters,
  CollarGroup,
  CollarMoneyness,
  CollarSort,
  groupCollars,
  selectCollars,
} from '@marketcache/shared/datasets/collar-selection'
import { InvalidParamError } from '@marketcache/shared/errors'
import { Type } from '@sinclair/typebox'
import { canonicalFilterKey, type ReadFilter } from './read-filter'

/** Most collars one response (or one group of it) may list. */
export const COLLAR_LIMIT_MAX = 1000
/** @defaultValue the 100 out-of-the-money collars of best score, in one flat list */
const DEFAULT_VIEW = { sort: 'score', moneyness: 'otm', limit: 100 } as const

/**
 * The collar route's query: the entry's params (`underlying`, `exchange`) and the read-time
 * filters. Types and ranges are checked by the schema; the word lists and the min/max pair by
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
  moneyness: Type.Optional(
    Type.String({
      enum: [...CollarMoneyness],
      description:
        'otm (default): only a put struck below spot with a call struck above it. all: also ' +
        'in-the-money legs (put at or above spot, call at or below it).',
    }),
  ),
  sort: Type.Optional(
    Type.String({
      enum: [...CollarSort],
      description:
        'Order: score (default), gain_to_risk and max_gain descending; net_cost, ' +
        'days_to_expiry and protection ascending. Ties: put strike, then call strike, ascending.',
    }),
  ),
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: COLLAR_LIMIT_MAX,
      description: `At most this many collars, per group when grouped (default ${DEFAULT_VIEW.limit}).`,
    }),
  ),
  group: Type.Optional(
    Type.String({
      enum: [...CollarGroup],
      description:
        'protection: one group per protection bucket; maturity: one per expiry. Each group is ' +
        'filtered, sorted and limited alike. Default: one flat list.',
    }),
  ),
}

/** The query's value of a word-list parameter, lower-cased, or a 400 that lists the words. */
function oneOf<T extends string>(
  query: Readonly<Record<string, unknown>>,
  name: string,
  words: readonly T[],
): T | undefined {
  const raw = query[name]
  if (typeof raw !== 'string') return undefined
  const word = raw.toLowerCase()
  if (!(words as readonly string[]).includes(word)) {
    throw new InvalidParamError(name, `${name} must be one of ${words.join(', ')}`)
  }
  return word as T
}

/** The filters of a collar request (already type-checked by the schema), defaults applied. */
export function parseCollarFilters(query: Readonly<Record<string, unknown>>): CollarFilters {
  const filters: CollarFilters = { ...DEFAULT_VIEW }
  for (const name of ['min_days', 'max_days', 'min_gain_to_risk', 'limit'] as const) {
    if (typeof query[name] === 'number') filters[name] = query[name]
  }
  const sort = oneOf(query, 'sort', CollarSort)
  if (sort) filters.sort = sort
  const moneyness = oneOf(query, 'moneyness', CollarMoneyness)
  if (moneyness) filters.moneyness = moneyness
  const group = oneOf(query, 'group', CollarGroup)
  if (group) filters.group = group
  const { min_days: min, max_days: max } = filters
  if (min !== undefined && max !== undefined && min > max) {
    throw new InvalidParamError(
      'min_days',
      `min_days (${min}) must not be greater than max_days (${max})`,
    )
  }
  return filters
}

/**
 * What `GET /v1/crypto-collar` answers: the set's metadata and the selected collars, or with
 * `group` the groups, each selected alike (`matched` is then the sum over the groups).
 */
export function collarView(set: CollarSet, filters: CollarFilters) {
  const metadata = (matched: number) => ({
    underlying: set.underlying,
    exchange: set.exchange,
    spot: set.spot,
    as_of: set.as_of,
    total_count: set.total_count,
    matched,
    inputs: { chain_as_of: set.inputs.chain_as_of, spot_as_of: set.inputs.spot_as_of },
  })
  if (filters.group) {
    const groups = groupCollars(set, filters.group, filters)
    const matched = groups.reduce((sum, group) => sum + group.matched, 0)
    return { metadata: metadata(matched), groups }
  }
  const { collars, matched } = selectCollars(set, filters)
  return { metadata: metadata(matched), collars }
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

const CollarMetadata = Type.Object({
  underlying: Type.String(),
  exchange: Type.String(),
  spot: Type.Number({ description: 'The spot every collar was computed with.' }),
  as_of: Type.String({
    format: 'date-time',
    description: 'The older of the inputs: the collars are no newer than this.',
  }),
  total_count: Type.Integer({ description: 'Every valid combination in the cached set.' }),
  matched: Type.Integer({
    description: 'Combinations the filters select, before `limit` (summed over the groups).',
  }),
  inputs: Type.Object({
    chain_as_of: Type.String({ format: 'date-time' }),
    spot_as_of: Type.String({ format: 'date-time' }),
  }),
})

const GroupSelection = {
  matched: Type.Integer({ description: "The group's combinations the filters select." }),
  collars: Type.Array(Collar, { description: 'Sorted by `sort`, at most `limit` of them.' }),
}

/** The response schema, registered by `registerOpenApi`: the flat list, or its groups. */
export const CollarResponse = Type.Union(
  [
    Type.Object(
      {
        metadata: CollarMetadata,
        collars: Type.Array(Collar, { description: 'Sorted by `sort`, at most `limit` of them.' }),
      },
      { title: 'Flat', description: 'Without `group`.' },
    ),
    Type.Object(
      {
        metadata: CollarMetadata,
        groups: Type.Array(
          Type.Union([
            Type.Object({
              protection: Type.String({
                enum: PROTECTION_BUCKETS.map((bucket) => bucket.name),
                description: 'The bucket of (S − Kp) / S.',
              }),
              ...GroupSelection,
            }),
            Type.Object({
              expiry: Type.String({ format: 'date-time' }),
              days_to_expiry: Type.Number(),
              ...GroupSelection,
            }),
          ]),
          {
            description:
              '`group=protection`: by bucket, in bucket order; `group=maturity`: by expiry, ' +
              'ascending. Groups where nothing matched are left out.',
          },
        ),
      },
      { title: 'Grouped', description: 'With `group`.' },
    ),
  ],
  {
    $id: 'CollarResponse',
    description:
      'Collars: long 1 unit at spot S, a bought put at Kp (at its ask), a sold call at Kc (at its ' +
      'bid), same expiry. net_cost = put ask − call bid; max_gain = (Kc − S) − net_cost; ' +
      'max_loss = (S − Kp) + net_cost; breakeven = S + net_cost; protection = (S − Kp) / S; ' +
      `score = max_gain / max(max_loss, ${COLLAR_RISK_FLOOR} × S).`,
  },
)
