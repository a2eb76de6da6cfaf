import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyReply } from 'fastify'
import type { ConditionsState } from './conditions'
import type { FaultDice } from './faults'
import type { CallStats, Provider } from './stats'

/** A provider response before it is sent: status, body and any extra headers. */
export interface Answer {
  readonly status: number
  /** Sent as JSON unless it is a string, which is sent as-is under its own Content-Type. */
  readonly body: unknown
  readonly headers?: Readonly<Record<string, string>>
}

/** What a provider's injected failures look like on the wire; each speaks its own dialect. */
export interface ProviderFailures {
  /** The answer for an `errorRate` hit. */
  serverError(): Answer
  /** Valid JSON in the wrong shape, for `malformedKind: 'shape'`. */
  misshapen(body: unknown): unknown
  /**
   * Whether an answer carries data worth corrupting. A client that gets a 404 or a params error
   * never parses data, so only real data is spoiled. @defaultValue status 200
   */
  carriesData?(answer: Answer): boolean
}

/** A limiter's verdict on one call. */
export interface Admission {
  /** Set when the call is refused: a 429, Bybit's 10006 or its 403 ban. */
  readonly refusal?: Answer
  /** Headers every answer to an admitted call carries, e.g. Bybit's `X-Bapi-Limit*`. */
  readonly headers?: Readonly<Record<string, string>>
}

/** A provider's rate limits: each provider limits, and says so, in its own way. */
export interface CallLimiter {
  admit(call: ProviderCall, now: number): Admission
  /** Forgets every window and ban. */
  reset(): void
}

/** One incoming provider call, as the route understood it. */
export interface ProviderCall {
  /** Route template without the provider prefix, e.g. `/coins/{id}`. */
  readonly endpoint: string
  /** CoinGecko coin ids the caller named, for per-coin stats. */
  readonly coins: readonly string[]
  /** Instruments the caller named (Bybit symbol or baseCoin, IBKR conids), for stats. */
  readonly symbols?: readonly string[]
  readonly withApiKey: boolean
  /** False for health checks, which should not spend quota or forced 429s. */
  readonly rateLimited: boolean
}

export interface ProviderGateDeps {
  readonly provider: Provider
  readonly conditions: ConditionsState
  readonly limiter: CallLimiter
  readonly stats: CallStats
  /** Shared by every provider: the global fault rates apply to all of them. */
  readonly dice: FaultDice
  readonly now: () => number
  readonly failures: ProviderFailures
}

/**
 * The path every provider call takes: the provider's limiter, then fault rolls, then the real
 * answer; then stats, latency and send. Provider routes only say what the real answer is.
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
    const { conditions, stats, dice, provider } = this.#deps
    const current = conditions.current
    // Roll every die on every call, so one fault switching on does not shift the others' rolls.
    const failing = dice.roll(current.errorRate)
    const malformed = dice.roll(current.malformedRate)
    const slow = dice.roll(current.slowRate)
    const record = (status: number) =>
      stats.record({
        provider,
        endpoint: call.endpoint,
        coins: call.coins,
        symbols: call.symbols ?? [],
        status,
        withApiKey: call.withApiKey,
      })

    let result: Answer
    try {
      result = this.#decide(call, failing, malformed, answer)
    } catch (error) {
      record(500)
      throw error
    }
    record(result.status)

    const delayMs = current.latencyMs + (slow ? current.slowMs : 0)
    if (delayMs > 0) await sleep(delayMs)
    return reply
      .code(result.status)
      .headers({ ...result.headers })
      .send(result.body)
  }

  #decide(call: ProviderCall, failing: boolean, malformed: boolean, answer: () => Answer): Answer {
    const { conditions, limiter, now, failures } = this.#deps
    const admission = call.rateLimited ? limiter.admit(call, now()) : {}
    if (admission.refusal) return admission.refusal
    const withHeaders = (result: Answer): Answer =>
      admission.headers
        ? { ...result, headers: { ...admission.headers, ...result.headers } }
        : result
    if (failing) return withHeaders(failures.serverError())
    const real = withHeaders(answer())
    const carriesData = failures.carriesData?.(real) ?? real.status === 200
    if (!malformed || !carriesData) return real
    return conditions.current.malformedKind === 'truncated'
      ? truncate(real)
      : { ...real, body: failures.misshapen(real.body) }
  }

  /** Forgets the provider's limit windows; the owner resets stats and conditions. */
  reset(): void {
    this.#deps.limiter.reset()
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
