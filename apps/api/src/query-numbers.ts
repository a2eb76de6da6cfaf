import { InvalidParamError } from '@marketcache/shared/errors'
import type { TObject } from '@sinclair/typebox'
import type { FastifyRequest } from 'fastify'

const INTEGER = /^-?\d+$/
const DECIMAL = /^-?\d+(\.\d+)?$/

/**
 * A preValidation hook that holds the numeric query parameters of `schema` to plain decimal
 * notation. TypeBox's query conversion is lenient in ways a client would not expect (`1e2` as an
 * integer is 1, `0x10` as a number is 0, `true` is 1, `5.5` as an integer is 5); here those are a
 * 400 naming the parameter, and the schema then checks the range.
 */
export function plainQueryNumbers(schema: TObject) {
  const numeric = Object.entries(schema.properties).flatMap(([name, property]) =>
    property.type === 'integer' || property.type === 'number'
      ? [{ name, integer: property.type === 'integer' }]
      : [],
  )
  return async function rejectLooseNumbers(request: FastifyRequest): Promise<void> {
    const query = request.query as Record<string, unknown>
    for (const { name, integer } of numeric) {
      const value = query[name]
      if (value === undefined || Array.isArray(value)) continue // the schema rejects repeats
      if (!(integer ? INTEGER : DECIMAL).test(String(value))) {
        throw new InvalidParamError(
          name,
          `${name} must be ${integer ? 'an integer' : 'a decimal number'}, got "${String(value)}"`,
        )
      }
    }
  }
}
