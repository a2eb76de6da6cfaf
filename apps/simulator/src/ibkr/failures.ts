import type { Answer, ProviderFailures } from '../gate'
import { isPlainObject } from '../rules'

/** The gateway's error body: `{"error": "...", "statusCode": N}`. */
export function ibkrError(status: number, error: string): Answer {
  return { status, body: { error, statusCode: status } }
}

const NOT_A_NUMBER = 'n/a'

/** The IBKR gateway's failure dialect: errors are plain HTTP statuses with a small JSON body. */
export const ibkrFailures: ProviderFailures = {
  serverError: () => ibkrError(500, 'Internal Server Error'),
  misshapen,
}

/**
 * Valid JSON a strict parser must reject: numbers and numeric strings become "n/a" (so a
 * conid is no longer a number and a snapshot's prices no longer parse).
 */
function misshapen(body: unknown): unknown {
  if (Array.isArray(body)) return body.map(misshapen)
  if (isPlainObject(body)) {
    return Object.fromEntries(Object.entries(body).map(([key, value]) => [key, misshapen(value)]))
  }
  if (typeof body === 'number') return NOT_A_NUMBER
  return typeof body === 'string' && /^C?-?\d/.test(body) ? NOT_A_NUMBER : body
}
