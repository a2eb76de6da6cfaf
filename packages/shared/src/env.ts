import type { Static, TObject } from '@sinclair/typebox'
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
      return `  ${name}=${JSON.stringify(env[name] ?? null)}: ${e.message}`
    })
    throw new ConfigError(`invalid configuration:\n${[...new Set(lines)].join('\n')}`)
  }
  return value as Static<S>
}
