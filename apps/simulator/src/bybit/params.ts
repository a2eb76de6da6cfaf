import { param, type Query } from '../query'

/** Bybit's `category` values; only some are simulated on each endpoint. */
export const Category = {
  spot: 'spot',
  linear: 'linear',
  inverse: 'inverse',
  option: 'option',
} as const
export type Category = (typeof Category)[keyof typeof Category]

/** A parameter that failed validation; its message follows "params error: ". */
export class ParamsError extends Error {}

export function category(query: Query, allowed: readonly Category[]): Category {
  const value = param(query, 'category')
  if (value === undefined) throw new ParamsError('category is required')
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ParamsError(`category ${value} is not supported here; use ${allowed.join(' or ')}`)
  }
  return value as Category
}

/** Bybit is strict: a limit outside 1..max is an error, not clamped. */
export function limit(query: Query, fallback: number, max: number): number {
  const value = param(query, 'limit')
  if (value === undefined) return fallback
  const parsed = Number(value)
  if (!/^\d+$/.test(value) || parsed < 1 || parsed > max) {
    throw new ParamsError(`limit must be an integer from 1 to ${max}, got ${value}`)
  }
  return parsed
}

/** A millisecond timestamp parameter such as `start` or `end`. */
export function timestamp(query: Query, name: string): number | undefined {
  const value = param(query, name)
  if (value === undefined) return undefined
  if (!/^\d+$/.test(value)) throw new ParamsError(`${name} must be a timestamp in ms, got ${value}`)
  return Number(value)
}
