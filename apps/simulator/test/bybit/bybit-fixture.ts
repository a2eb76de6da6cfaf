import { expect } from 'vitest'

/** What every Bybit answer looks like. */
export interface BybitEnvelope<T> {
  retCode: number
  retMsg: string
  result: T
  retExtInfo: Record<string, never>
  time: number
}

/** Parses a Bybit answer: HTTP 200 with the full envelope, whatever the retCode. */
export function envelope<T>(response: { statusCode: number; body: string }): BybitEnvelope<T> {
  expect(response.statusCode).toBe(200)
  const body = JSON.parse(response.body) as BybitEnvelope<T>
  expect(Object.keys(body).sort()).toEqual(['result', 'retCode', 'retExtInfo', 'retMsg', 'time'])
  expect(body.retExtInfo).toEqual({})
  expect(body.time).toBeTypeOf('number')
  return body
}

/** The result of a retCode 0 answer. */
export function result<T>(response: { statusCode: number; body: string }): T {
  const body = envelope<T>(response)
  expect(body, body.retMsg).toMatchObject({ retCode: 0, retMsg: 'OK' })
  return body.result
}

/**
 * Bybit sends every value inside `result` as a string: no numbers, booleans or nulls. `typed`
 * names the fields that are not (`symbolId` is a number in instruments-info), with their type.
 */
export function expectOnlyStrings(
  value: unknown,
  path = 'result',
  typed: Readonly<Record<string, string>> = {},
): void {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      expectOnlyStrings(item, `${path}[${index}]`, typed)
    }
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (Object.hasOwn(typed, key)) expect(typeof item, `${path}.${key}`).toBe(typed[key])
      else expectOnlyStrings(item, `${path}.${key}`, typed)
    }
  } else {
    expect(typeof value, path).toBe('string')
  }
}

/** The instruments-info fields the `bybit-api` SDK types as other than strings. */
export const INSTRUMENT_TYPED_FIELDS = { symbolId: 'number', forbidUplWithdrawal: 'boolean' }

/** A params error: HTTP 200, retCode 10001, "params error: ...", empty result. */
export function expectParamsError(response: { statusCode: number; body: string }): void {
  const body = envelope(response)
  expect(body.retCode).toBe(10001)
  expect(body.retMsg).toMatch(/^params error: /)
  expect(body.result).toEqual({})
}
