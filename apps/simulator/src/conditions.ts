import { BYBIT_SWITCH_RULES, type BybitSwitches } from './bybit/switches'
import { SettingError } from './errors'
import { type Faults, MalformedKind } from './faults'
import { IBKR_SWITCH_RULES, type IbkrSwitches } from './ibkr/switches'
import { count, flag, isPlainObject, oneOf, parseFields, type Rules, rate } from './rules'

/**
 * Everything that can be changed while the simulator runs: faults plus latency and quota (which
 * are CoinGecko's), and each other provider's own limits in a nested section.
 */
export interface Conditions extends Faults {
  /** Added to every provider response. */
  latencyMs: number
  /** CoinGecko calls allowed per quota window; 0 disables the quota. */
  quotaPerWindow: number
  quotaWindowMs: number
  bybit: BybitSwitches
  ibkr: IbkrSwitches
}

/** The provider sections; each is patched field by field rather than replaced. */
const SECTIONS = ['bybit', 'ibkr'] as const
type TopLevel = Omit<Conditions, (typeof SECTIONS)[number]>

/** A partial update: top-level fields, and any fields of each provider section. */
export type ConditionsPatch = Partial<TopLevel> & {
  bybit?: Partial<BybitSwitches>
  ibkr?: Partial<IbkrSwitches>
}

const RULES: Rules<TopLevel> = {
  errorRate: rate,
  malformedRate: rate,
  malformedKind: oneOf(Object.values(MalformedKind)),
  slowRate: rate,
  slowMs: count,
  html429: flag,
  forced429: count,
  forced429RetryAfterS: count,
  latencyMs: count,
  quotaPerWindow: count,
  quotaWindowMs: count,
}

/**
 * Checks a partial update (options or a `POST /__sim/faults` body). Unknown fields are rejected
 * rather than ignored, so a typo cannot silently leave a fault switched off.
 */
export function parseConditionsPatch(input: unknown): ConditionsPatch {
  if (!isPlainObject(input)) throw new SettingError('expected a JSON object of conditions')
  const patch: ConditionsPatch = parseFields(RULES, input, '', SECTIONS)
  const section = (name: (typeof SECTIONS)[number]) => {
    const value = input[name]
    if (value === undefined) return undefined
    if (!isPlainObject(value)) throw new SettingError(`${name} must be a JSON object`)
    return value
  }
  const bybit = section('bybit')
  if (bybit) patch.bybit = parseFields(BYBIT_SWITCH_RULES, bybit, 'bybit.')
  const ibkr = section('ibkr')
  if (ibkr) patch.ibkr = parseFields(IBKR_SWITCH_RULES, ibkr, 'ibkr.')
  return patch
}

/** The live conditions, plus the values they started with so `reset()` can return to them. */
export class ConditionsState {
  readonly #start: Readonly<Conditions>
  #current: Readonly<Conditions>

  constructor(start: Conditions) {
    this.#start = freeze(start)
    this.#current = this.#start
  }

  get current(): Readonly<Conditions> {
    return this.#current
  }

  update(patch: ConditionsPatch): Readonly<Conditions> {
    const { bybit, ibkr, ...topLevel } = patch
    this.#current = freeze({
      ...this.#current,
      ...topLevel,
      bybit: { ...this.#current.bybit, ...bybit },
      ibkr: { ...this.#current.ibkr, ...ibkr },
    })
    return this.#current
  }

  /** Spends one forced CoinGecko 429 if any are left. */
  takeForced429(): boolean {
    if (this.#current.forced429 <= 0) return false
    this.update({ forced429: this.#current.forced429 - 1 })
    return true
  }

  reset(): void {
    this.#current = this.#start
  }
}

function freeze(conditions: Conditions): Readonly<Conditions> {
  return Object.freeze({
    ...conditions,
    bybit: Object.freeze({ ...conditions.bybit }),
    ibkr: Object.freeze({ ...conditions.ibkr }),
  })
}
