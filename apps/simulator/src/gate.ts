import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyReply } from 'fastify'
import type { ConditionsState } from './conditions'
import type { FaultDice } from './faults'
import type { QuotaWindow } from './quota'
import type { CallStats } from './stats'

/** A provider response before it is sent: status, body and any extra headers. */
export interface Answer {
  readonly status: number
  /** Sent as JSON unless it is a string, which is sent as-is under its own Content-Type. */
  readonly body: unknown
  readonly headers?: Readonly<Record<string, string>>
}

/** What a provider's failures look like on the wire; each provider speaks its own dialect. */
export interface ProviderFailures {
  rateLimited(retryAfterS: number, html: boolean): Answer
  serverError(): Answer
  /** Valid JSON in the wrong shape, for `malformedKind: 'shape'`. */
  misshapen(body: unknown): unknown
}

/** One incoming provider call, as the route understood it. */
export interface ProviderCall {
  /** Route template without the provider prefix, e.g. `/coins/{id}`. */
  readonly endpoint: string
  /** Coin ids the caller named, for per-coin stats. */
  readonly coins: readonly string[]
  readonly withApiKey: boolean
  /** False for health checks, which should not spend quota or forced 429s. */
  readonly rateLimited: boolean
}

export interface ProviderGateDeps {
  readonly conditions: ConditionsState
  readonly quota: QuotaWindow
  readonly stats: CallStats
  readonly dice: FaultDice
  readonly now: () => number
  readonly failures: ProviderFailures
}

/**
 * The path every provider call takes: forced 429s, then the quota, then fault rolls, then the
 * real answer; then stats, latency and send. Provider routes only say what the real answer is.
 */
export class ProviderGate {
  readonly #deps: ProviderGateDeps

  constructor(deps: ProviderGateDeps) {
    this.#deps = deps
  }

  async serve(
    reply: FastifyReply,
    call: ProviderCall,
    answer: () => Answer,
  ): Promise<FastifyReply> {
    const { conditions, stats, dice } = this.#deps
    const current = conditions.current
    // Roll every die on every call, so one fault switching on does not shift the others' rolls.
    const failing = dice.roll(current.errorRate)
    const malformed = dice.roll(current.malformedRate)
    const slow = dice.roll(current.slowRate)

    let result: Answer
    try {
      result = this.#decide(call, failing, malformed, answer)
    } catch (error) {
      stats.record({ ...call, status: 500 })
      throw error
    }
    stats.record({ ...call, status: result.status })

    const delayMs = current.latencyMs + (slow ? current.slowMs : 0)
    if (delayMs > 0) await sleep(delayMs)
    return reply
      .code(result.status)
      .headers({ ...result.headers })
      .send(result.body)
  }

  #decide(call: ProviderCall, failing: boolean, malformed: boolean, answer: () => Answer): Answer {
    const { conditions, quota, now, failures } = this.#deps
    const current = conditions.current
    if (call.rateLimited) {
      if (conditions.takeForced429()) {
        return failures.rateLimited(current.forced429RetryAfterS, current.html429)
      }
      const waitMs = quota.take(now())
      // Retry-After is whole seconds; rounding up (and at least 1) never invites an early retry.
      const retryAfterS = Math.max(1, Math.ceil(waitMs / 1000))
      if (waitMs > 0) return failures.rateLimited(retryAfterS, current.html429)
    }
    if (failing) return failures.serverError()
    const real = answer()
    // Only a success is worth corrupting: a client that gets a 404 or 400 never parses data.
    if (!malformed || real.status !== 200) return real
    return current.malformedKind === 'truncated'
      ? truncate(real)
      : { ...real, body: failures.misshapen(real.body) }
  }

  /** Opens a fresh quota window; the owner resets stats and conditions. */
  reset(): void {
    this.#deps.quota.reset()
  }
}

/** Cuts the JSON text in half: an object or array prefix is never valid JSON. */
function truncate(answer: Answer): Answer {
  const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body)
  return {
    ...answer,
    body: text.slice(0, Math.max(1, Math.floor(text.length / 2))),
    headers: { ...answer.headers, 'content-type': 'application/json; charset=utf-8' },
  }
}
