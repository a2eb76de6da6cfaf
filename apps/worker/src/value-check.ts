import type { TSchema } from '@sinclair/typebox'
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler'

/**
 * The one place value schemas are compiled: every dataset value (in `entryOf`, before anything is
 * written) and every provider row a mapping checks to skip bad ones goes through here, so "garbage
 * is never cached" does not depend on each processor remembering to validate.
 */
const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>()

/** The compiled check of `schema`, compiled on first use and kept for the schema's life. */
export function checkOf<T extends TSchema>(schema: T): TypeCheck<T> {
  let check = compiled.get(schema)
  if (check === undefined) {
    check = TypeCompiler.Compile(schema)
    compiled.set(schema, check)
  }
  return check as TypeCheck<T>
}

/** The first problem of `value` against `schema` as `<label><path>: <message>`, or null. */
export function valueProblem(schema: TSchema, value: unknown, label: string): string | null {
  const error = checkOf(schema).Errors(value).First()
  return error ? `${label}${error.path}: ${error.message}` : null
}
