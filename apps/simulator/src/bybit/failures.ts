import type { Answer, ProviderFailures } from '../gate'
import { isPlainObject } from '../rules'
import { envelope, RetCode } from './envelope'

const NOT_A_NUMBER = 'n/a'

/**
 * Bybit's failure dialect: an `errorRate` hit is HTTP 200 with retCode 10016 ("Internal server
 * error"), and only retCode 0 answers carry data worth corrupting.
 */
export function bybitFailures(now: () => number): ProviderFailures {
  return {
    serverError: (): Answer => envelope(RetCode.serverError, 'Internal server error.', {}, now()),
    misshapen,
    carriesData: (answer) =>
      answer.status === 200 && isPlainObject(answer.body) && answer.body.retCode === RetCode.ok,
  }
}

/**
 * Valid JSON a strict parser must reject: every number in `result.list`, whether sent as a
 * string (most V5 rows) or as a number (option-base-coins), says "n/a" instead.
 */
function misshapen(body: unknown): unknown {
  if (!isPlainObject(body) || !isPlainObject(body.result)) return { unexpected: body }
  const list = body.result.list
  if (!Array.isArray(list)) return { ...body, result: null }
  return { ...body, result: { ...body.result, list: list.map(spoil) } }
}

function spoil(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(spoil)
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, spoil(field)]))
  }
  if (typeof value === 'number') return NOT_A_NUMBER
  return typeof value === 'string' && value !== '' && Number.isFinite(Number(value))
    ? NOT_A_NUMBER
    : value
}
