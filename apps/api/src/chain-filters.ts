import {
  type ChainFilters,
  filterChain,
  type OptionChain,
} from '@marketcache/shared/datasets/option-chain'
import { InvalidParamError } from '@marketcache/shared/errors'
import { Type } from '@sinclair/typebox'
import { canonicalFilterKey, type ReadFilter } from './read-filter'

const RIGHTS = ['call', 'put'] as const

/**
 * The chain's read-time filters as query parameters. Types and ranges are checked by the schema;
 * the date, `right` and the min/max pairs by `parseChainFilters`, whose messages name the
 * parameter and the accepted form.
 */
export const ChainFilterQuery = {
  expiry: Type.Optional(
    Type.String({
      description: 'Only the expiry on this UTC date, YYYY-MM-DD (e.g. 2026-03-27).',
      examples: ['2026-03-27'],
    }),
  ),
  minDays: Type.Optional(
    Type.Number({ minimum: 0, description: 'Only expiries at least this many days away.' }),
  ),
  maxDays: Type.Optional(
    Type.Number({ minimum: 0, description: 'Only expiries at most this many days away.' }),
  ),
  minStrike: Type.Optional(
    Type.Number({ minimum: 0, description: 'Only strikes at or above this price.' }),
  ),
  maxStrike: Type.Optional(
    Type.Number({ minimum: 0, description: 'Only strikes at or below this price.' }),
  ),
  // `enum` documents the values; parseChainFilters enforces them with a message that lists them.
  right: Type.Optional(
    Type.String({
      enum: [...RIGHTS],
      description: 'Only calls or only puts; the other side of each strike is null.',
    }),
  ),
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/

function parseExpiry(raw: string): string {
  const match = DATE.exec(raw)
  const [year, month, day] = (match?.slice(1) ?? []).map(Number)
  const date = match ? new Date(Date.UTC(year!, month! - 1, day!)) : null
  if (!date || date.getUTCMonth() !== month! - 1 || date.getUTCDate() !== day) {
    throw new InvalidParamError('expiry', `expiry must be a date as YYYY-MM-DD, got "${raw}"`)
  }
  return raw
}

function parseRight(raw: string): ChainFilters['right'] {
  const right = raw.toLowerCase()
  if (!(RIGHTS as readonly string[]).includes(right)) {
    throw new InvalidParamError('right', `right must be one of ${RIGHTS.join(', ')}`)
  }
  return right as ChainFilters['right']
}

function checkRange(
  filters: ChainFilters,
  low: 'minDays' | 'minStrike',
  high: 'maxDays' | 'maxStrike',
) {
  const min = filters[low]
  const max = filters[high]
  if (min !== undefined && max !== undefined && min > max) {
    throw new InvalidParamError(low, `${low} (${min}) must not be greater than ${high} (${max})`)
  }
}

/** The filters a chain request sets (already type-checked by the schema), validated. */
export function parseChainFilters(query: Readonly<Record<string, unknown>>): ChainFilters {
  const filters: ChainFilters = {}
  if (typeof query.expiry === 'string') filters.expiry = parseExpiry(query.expiry)
  for (const name of ['minDays', 'maxDays', 'minStrike', 'maxStrike'] as const) {
    if (typeof query[name] === 'number') filters[name] = query[name]
  }
  if (typeof query.right === 'string') filters.right = parseRight(query.right)
  checkRange(filters, 'minDays', 'maxDays')
  checkRange(filters, 'minStrike', 'maxStrike')
  return filters
}

/** The chain route's ReadFilter parser: `filterChain` from shared, null when nothing is set. */
export function chainReadFilter(query: Readonly<Record<string, unknown>>): ReadFilter | null {
  const filters = parseChainFilters(query)
  if (Object.keys(filters).length === 0) return null
  return {
    key: canonicalFilterKey({ ...filters }),
    apply: (value) => filterChain(value as OptionChain, filters),
  }
}
