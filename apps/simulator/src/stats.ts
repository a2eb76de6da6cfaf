/** The upstreams the simulator plays. */
export const Provider = { coingecko: 'coingecko', bybit: 'bybit', ibkr: 'ibkr' } as const
export type Provider = (typeof Provider)[keyof typeof Provider]

/** What `GET /__sim/stats` returns. */
export interface StatsSnapshot {
  total: number
  /** Calls per route template without the provider prefix, e.g. `/coins/{id}`. */
  byEndpoint: Record<string, number>
  /** Calls per coin id named by the caller (path id or `ids` parameter). */
  byCoin: Record<string, number>
  /** Calls per HTTP status answered, e.g. `{"200": 3, "429": 1}`. */
  byStatus: Record<string, number>
  /** Calls that carried a provider API key. */
  withApiKey: number
  /** Calls per provider; every provider is listed from the start. */
  byProvider: Record<Provider, number>
  /** Calls per instrument named: Bybit `symbol`/`baseCoin`, IBKR conids and searched symbols. */
  bySymbol: Record<string, number>
}

/** One provider call, as counted. */
export interface CallRecord {
  readonly provider: Provider
  readonly endpoint: string
  readonly coins: readonly string[]
  readonly symbols: readonly string[]
  readonly status: number
  readonly withApiKey: boolean
}

/**
 * Counts every provider call, including ones answered with a fault or a 429, because those
 * still spend the caller's quota upstream. This is what tests and benchmarks compare against
 * to prove the cache saves calls.
 */
export class CallStats {
  readonly #endpoints: readonly string[]
  #total = 0
  #withApiKey = 0
  // Maps rather than objects: a caller-chosen id such as "__proto__" must count like any other.
  readonly #byEndpoint = new Map<string, number>()
  readonly #byCoin = new Map<string, number>()
  readonly #byStatus = new Map<string, number>()
  readonly #byProvider = new Map<string, number>()
  readonly #bySymbol = new Map<string, number>()

  /** @param endpoints listed with 0 calls from the start, so clients can rely on the keys */
  constructor(endpoints: readonly string[]) {
    this.#endpoints = endpoints
    this.reset()
  }

  record(call: CallRecord): void {
    this.#total += 1
    increment(this.#byEndpoint, call.endpoint)
    for (const coin of call.coins) increment(this.#byCoin, coin)
    for (const symbol of call.symbols) increment(this.#bySymbol, symbol)
    increment(this.#byProvider, call.provider)
    increment(this.#byStatus, String(call.status))
    if (call.withApiKey) this.#withApiKey += 1
  }

  snapshot(): StatsSnapshot {
    return {
      total: this.#total,
      byEndpoint: Object.fromEntries(this.#byEndpoint),
      byCoin: Object.fromEntries(this.#byCoin),
      byStatus: Object.fromEntries(this.#byStatus),
      withApiKey: this.#withApiKey,
      byProvider: Object.fromEntries(this.#byProvider) as Record<Provider, number>,
      bySymbol: Object.fromEntries(this.#bySymbol),
    }
  }

  reset(): void {
    this.#total = 0
    this.#withApiKey = 0
    this.#byEndpoint.clear()
    for (const endpoint of this.#endpoints) this.#byEndpoint.set(endpoint, 0)
    this.#byCoin.clear()
    this.#byStatus.clear()
    this.#byProvider.clear()
    for (const provider of Object.values(Provider)) this.#byProvider.set(provider, 0)
    this.#bySymbol.clear()
  }
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1)
}
