import type { Static, TObject, TSchema } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'

/** A configuration variable that is missing or malformed; the message names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

/**
 * Validates the variables a schema declares (others in `env` are ignored: an environment is full of
 * them), converting strings to the declared types and applying schema defaults.
 * Throws a ConfigError naming every bad variable.
 */
export function parseEnv<S extends TObject>(
  schema: S,
  env: Readonly<Record<string, string | undefined>>,
): Static<S> {
  const picked: Record<string, unknown> = {}
  for (const name of Object.keys(schema.properties)) {
    const raw = env[name]
    if (raw !== undefined && raw !== '') picked[name] = raw
  }
  // Convert works in place on a copy, so `env` keeps the raw strings for error messages.
  const value = Value.Default(schema, Value.Convert(schema, picked))
  const errors = [...Value.Errors(schema, value)]
  if (errors.length > 0) {
    const lines = errors.map((e) => {
      const name = e.path.replace(/^\//, '') || '(root)'
      const property = schema.properties[name] as TSchema | undefined
      const allowed = property ? allowedValues(property) : null
      return `  ${name}=${JSON.stringify(env[name] ?? null)}: ${allowed ?? e.message}`
    })
    throw new ConfigError(`invalid configuration:\n${[...new Set(lines)].join('\n')}`)
  }
  return value as Static<S>
}

/**
 * What a variable accepts, in words, for the schemas whose own message would not say it: a set
 * of words (`one of trace, debug, …`), a boolean, a bounded number, or the schema's own `allowed`
 * text (for a pattern no reader should have to decode). Null for the others, whose message does
 * (a string length).
 */
function allowedValues(schema: TSchema): string | null {
  if (typeof schema.allowed === 'string') return `expected ${schema.allowed}`
  const choices = schema.anyOf as TSchema[] | undefined
  if (choices?.every((choice) => choice.const !== undefined)) {
    return `expected one of ${choices.map((choice) => String(choice.const)).join(', ')}`
  }
  if (schema.type === 'boolean') return 'expected true or false'
  if (schema.type === 'integer' || schema.type === 'number') {
    const kind = schema.type === 'integer' ? 'an integer' : 'a number'
    const { minimum, maximum } = schema as { minimum?: number; maximum?: number }
    if (minimum !== undefined && maximum !== undefined) {
      return `expected ${kind} from ${minimum} to ${maximum}`
    }
    if (minimum !== undefined) return `expected ${kind} of at least ${minimum}`
    if (maximum !== undefined) return `expected ${kind} of at most ${maximum}`
    return `expected ${kind}`
  }
  return null
}
