import { createHash } from 'node:crypto'

/**
 * A read-time filter: a subset of a cached value chosen by query parameters that are not part of
 * the key (the full value is cached once). Parsed per request before any key exists.
 */
export interface ReadFilter {
  /**
   * The filters in canonical form (names sorted, values normalised), e.g. `maxDays=30&right=call`:
   * equal filters give equal keys, whatever the order or spelling of the query.
   */
  readonly key: string
  /** The part of the stored (parsed) value that the filters select. */
  apply(value: unknown): unknown
}

/** Reads a request's query into its filter; null when it sets none. Throws InvalidParamError. */
export type ReadFilterParser = (query: Readonly<Record<string, unknown>>) => ReadFilter | null

/** `a=1&b=x` from the defined entries, sorted by name: the `key` of a ReadFilter. */
export function canonicalFilterKey(
  filters: Readonly<Record<string, string | number | undefined>>,
): string {
  return Object.entries(filters)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&')
}

/**
 * The entity tag of a filtered variant: the stored version's opaque tag plus a digest of the
 * filter key, so each variant of each version has its own tag and a 304 works per variant. It is
 * weak: the filtered body is re-serialised by our code, so the bytes are only promised to be
 * equivalent, not identical across releases.
 */
export function variantEntityTag(tag: string, filterKey: string): string {
  const opaque = tag.replace(/^W\//, '').replace(/^"|"$/g, '')
  const filterDigest = createHash('sha256').update(filterKey).digest('hex').slice(0, 12)
  return `W/"${opaque}-${filterDigest}"`
}
