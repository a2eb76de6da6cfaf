/**
 * Query-string reading with CoinGecko's leniency: a repeated parameter uses its first value,
 * lists are comma separated with blanks dropped.
 */
export type Query = Readonly<Record<string, string | string[] | undefined>>

export function param(query: Query, name: string): string | undefined {
  const value = query[name]
  const first = Array.isArray(value) ? value[0] : value
  const trimmed = first?.trim()
  return trimmed ? trimmed : undefined
}

/** A comma-separated list, in order, without blanks or repeats. */
export function list(query: Query, name: string): string[] {
  const value = param(query, name)
  if (value === undefined) return []
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0)
  return [...new Set(items)]
}

export function flag(query: Query, name: string): boolean {
  return param(query, name)?.toLowerCase() === 'true'
}

/** A positive integer, or `fallback` when the parameter is absent or not one. */
export function positiveInteger(query: Query, name: string, fallback: number): number {
  const value = param(query, name)
  if (value === undefined || !/^\d+$/.test(value)) return fallback
  const parsed = Number(value)
  return parsed >= 1 ? parsed : fallback
}
