import { SettingError } from './errors'
import { type Faults, MalformedKind } from './faults'

/** Everything that can be changed while the simulator runs: faults plus latency and quota. */
export interface Conditions extends Faults {
  /** Added to every provider response. */
  latencyMs: number
  /** Calls allowed per quota window; 0 disables the quota. */
  quotaPerWindow: number
  quotaWindowMs: number
}

type Rule = (value: unknown) => string | undefined

const rate: Rule = (value) =>
  typeof value === 'number' && value >= 0 && value <= 1 ? undefined : 'a number from 0 to 1'
const count: Rule = (value) =>
  Number.isSafeInteger(value) && (value as number) >= 0 ? undefined : 'an integer >= 0'
const flag: Rule = (value) => (typeof value === 'boolean' ? undefined : 'true or false')
const kind: Rule = (value) =>
  Object.values(MalformedKind).includes(value as MalformedKind)
    ? undefined
    : `one of ${Object.values(MalformedKind).join(', ')}`

/** One rule per field; the mapped type makes a new field fail to compile until it has a rule. */
const RULES: { readonly [K in keyof Conditions]: Rule } = {
  errorRate: rate,
  malformedRate: rate,
  malformedKind: kind,
  slowRate: rate,
  slowMs: count,
  html429: flag,
  forced429: count,
  forced429RetryAfterS: count,
  latencyMs: count,
  quotaPerWindow: count,
  quotaWindowMs: count,
}

function isConditionsKey(key: string): key is keyof Conditions {
  return Object.hasOwn(RULES, key)
}

/**
 * Checks a partial update (options or a `POST /__sim/faults` body). Unknown fields are rejected
 * rather than ignored, so a typo cannot silently leave a fault switched off.
 */
export function parseConditionsPatch(input: unknown): Partial<Conditions> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new SettingError('expected a JSON object of conditions')
  }
  const patch: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue
    if (!isConditionsKey(key)) {
      throw new SettingError(`unknown field "${key}"; known: ${Object.keys(RULES).join(', ')}`)
    }
    const expected = RULES[key](value)
    if (expected) throw new SettingError(`${key} must be ${expected}, got ${JSON.stringify(value)}`)
    patch[key] = value
  }
  return patch as Partial<Conditions>
}

/** The live conditions, plus the values they started with so `reset()` can return to them. */
export class ConditionsState {
  readonly #start: Readonly<Conditions>
  #current: Readonly<Conditions>

  constructor(start: Conditions) {
    this.#start = Object.freeze({ ...start })
    this.#current = this.#start
  }

  get current(): Readonly<Conditions> {
    return this.#current
  }

  update(patch: Partial<Conditions>): Readonly<Conditions> {
    this.#current = Object.freeze({ ...this.#current, ...patch })
    return this.#current
  }

  /** Spends one forced 429 if any are left. */
  takeForced429(): boolean {
    if (this.#current.forced429 <= 0) return false
    this.update({ forced429: this.#current.forced429 - 1 })
    return true
  }

  reset(): void {
    this.#current = this.#start
  }
}
