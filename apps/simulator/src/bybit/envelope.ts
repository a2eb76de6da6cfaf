import type { Answer } from '../gate'
import { decimalsOf } from '../market/ticks'

/** The retCodes the simulator answers with. */
export const RetCode = {
  ok: 0,
  paramsError: 10001,
  tooManyVisits: 10006,
  serverError: 10016,
} as const
export type RetCode = (typeof RetCode)[keyof typeof RetCode]

/**
 * Bybit V5's envelope, on every answer: HTTP 200 even for errors, which only `retCode` tells
 * apart. `time` is the server clock in ms.
 */
export function envelope(retCode: RetCode, retMsg: string, result: unknown, now: number): Answer {
  return { status: 200, body: { retCode, retMsg, result, retExtInfo: {}, time: now } }
}

export function ok(result: unknown, now: number): Answer {
  return envelope(RetCode.ok, 'OK', result, now)
}

/** `retCode` 10001 with an empty result, as Bybit answers any bad or unknown parameter. */
export function paramsError(detail: string, now: number): Answer {
  return envelope(RetCode.paramsError, `params error: ${detail}`, {}, now)
}

/** A number as Bybit prints it: a string with exactly the decimals of `step` ("0.01" → 2). */
export function decimal(value: number, step: number): string {
  return value.toFixed(decimalsOf(step))
}
