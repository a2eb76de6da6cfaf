import type { TSchema } from '@sinclair/typebox'
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler'

/**
 * The one place schemas are compiled: every dataset value (the worker's `entryOf`, before anything
 * is written), every provider row a mapping checks to skip bad ones, and every job's data go
 * through here, so "garbage is never cached" does not depend on each author remembering.
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
