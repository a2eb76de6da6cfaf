import { ProviderBadResponseError } from '../../errors'

/** A gateway JSON object (not an array, not null). */
export type Json = Record<string, unknown>

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A conid as a string of digits (search sends strings, info and snapshot numbers). */
export function conidOf(value: unknown): string | null {
  const text = typeof value === 'number' ? String(value) : value
  return typeof text === 'string' && /^\d+$/.test(text.trim()) ? text.trim() : null
}

/** A 2xx body that is not the documented shape: never cached, retried as transient. */
export function badBody(endpoint: string, problem: string): ProviderBadResponseError {
  return new ProviderBadResponseError(`ibkr ${endpoint}: ${problem}`, {
    provider: 'ibkr',
    endpoint,
  })
}
