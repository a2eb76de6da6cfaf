import { SettingError } from './errors'

/** Checks one setting; returns what was expected when the value is wrong, else undefined. */
export type Rule = (value: unknown) => string | undefined

/** One rule per field; the mapped type makes a new field fail to compile until it has a rule. */
export type Rules<T> = { readonly [K in keyof T]: Rule }

export const rate: Rule = (value) =>
  typeof value === 'number' && value >= 0 && value <= 1 ? undefined : 'a number from 0 to 1'

export const count: Rule = (value) =>
  Number.isSafeInteger(value) && (value as number) >= 0 ? undefined : 'an integer >= 0'

export const flag: Rule = (value) => (typeof value === 'boolean' ? undefined : 'true or false')

export const oneOf =
  (values: readonly string[]): Rule =>
  (value) =>
    values.includes(value as string) ? undefined : `one of ${values.join(', ')}`

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Checks a partial update field by field. Unknown fields are rejected rather than ignored, so a
 * typo cannot silently leave a fault switched off. `prefix` names nested sections in messages
 * (`bybit.banMs must be ...`); `alsoKnown` lists fields another parser handles.
 */
export function parseFields<T>(
  rules: Rules<T>,
  input: Readonly<Record<string, unknown>>,
  prefix = '',
  alsoKnown: readonly string[] = [],
): Partial<T> {
  const patch: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined || alsoKnown.includes(key)) continue
    if (!Object.hasOwn(rules, key)) {
      const known = [...Object.keys(rules), ...alsoKnown].join(', ')
      throw new SettingError(`unknown field "${prefix}${key}"; known: ${known}`)
    }
    const expected = rules[key as keyof T](value)
    if (expected) {
      throw new SettingError(`${prefix}${key} must be ${expected}, got ${JSON.stringify(value)}`)
    }
    patch[key] = value
  }
  return patch as Partial<T>
}
