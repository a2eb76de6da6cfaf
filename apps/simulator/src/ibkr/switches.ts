import { count, flag, type Rules } from '../rules'

/** The IBKR gateway's pacing and session switches; `/__sim/faults` field `ibkr`. */
export interface IbkrSwitches {
  /** Requests per 1 s window across `/v1/api` before HTTP 429; 0 disables. @defaultValue 10 */
  pacingPerSecond: number
  /** The next N IBKR calls answer 429 whatever the pacing. @defaultValue 0 */
  forced429: number
  /** False: the brokerage session is gone and `/iserver/*` answers 401. @defaultValue true */
  authenticated: boolean
}

export const DEFAULT_IBKR_SWITCHES: Readonly<IbkrSwitches> = Object.freeze({
  // The Client Portal gateway's documented global pacing.
  pacingPerSecond: 10,
  forced429: 0,
  authenticated: true,
})

export const IBKR_SWITCH_RULES: Rules<IbkrSwitches> = {
  pacingPerSecond: count,
  forced429: count,
  authenticated: flag,
}
