import type { RedisClient } from '@marketcache/shared/redis-client'

/**
 * Takes `lease` units of a client's budget in one step: the window starts with the first lease
 * (as the plugin's own Redis store starts it with the first request), and the reply says how many
 * units everyone has taken so far and how long the window has left.
 */
const LEASE_LUA = `
local taken = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl
if taken == tonumber(ARGV[1]) then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
else
  ttl = redis.call('PTTL', KEYS[1])
  if ttl < 0 then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    ttl = tonumber(ARGV[2])
  end
end
return {taken, ttl}
`

type LeaseRedis = RedisClient & {
  rateLimitLease(key: string, units: number, windowMs: number): Promise<[number, number]>
}

/** One process's share of one client's budget in the current window. */
interface Lease {
  /** Units taken by every replica before this lease, plus those this process spent of it. */
  counted: number
  /** Units of this lease not spent yet. */
  left: number
  /** Whether the budget ran out when this lease was taken: no further lease this window. */
  last: boolean
  windowEndsAt: number
}

/** What the plugin's stores answer: the client's count in this window, and what is left of it. */
interface Count {
  current: number
  ttl: number
}
type Callback = (error: Error | null, result: Count | null) => void

/**
 * How many units one lease takes: a fiftieth of the budget, so a replica takes a Redis round
 * trip once per that many requests of a client, and a client spread over N replicas may be
 * refused at most N leases before its budget is spent. A budget under 50 leases one unit at a
 * time, which is exact.
 */
export const leaseUnits = (max: number) => Math.max(1, Math.floor(max / 50))

/** Clients whose lease is kept; past it the oldest are forgotten (they lease again). */
const MAX_CLIENTS = 100_000

/**
 * A store for @fastify/rate-limit that counts in Redis, shared by every replica, without a round
 * trip per request: each process leases units of a client's budget and spends them in memory.
 * Concurrent requests of a client share one lease request. A client over its budget is refused
 * from memory until the window ends, so a flood of refused requests costs Redis nothing.
 */
export class LeasedRateLimitStore {
  readonly #redis: LeaseRedis
  readonly #prefix: string
  readonly #leases = new Map<string, Lease>()
  readonly #leasing = new Map<string, Promise<void>>()
  /** Requests of a client waiting for a lease: the next lease takes enough for all of them. */
  readonly #waiting = new Map<string, number>()

  constructor(redis: RedisClient, prefix: string) {
    if (!('rateLimitLease' in redis)) {
      redis.defineCommand('rateLimitLease', { numberOfKeys: 1, lua: LEASE_LUA })
    }
    this.#redis = redis as LeaseRedis
    this.#prefix = prefix
  }

  /** The plugin's store interface: counts one request of `client`. */
  incr(client: string, callback: Callback, windowMs: number, max: number): void {
    const counted = this.#spend(client, max)
    if (counted) {
      callback(null, counted)
      return
    }
    this.#spendLeased(client, windowMs, max).then(
      (count) => callback(null, count),
      (error: Error) => callback(error, null),
    )
  }

  /**
   * Leases until this request has its unit or the budget is known to be spent: requests that
   * waited for one lease may find it spent by those ahead of them, and take another.
   */
  async #spendLeased(client: string, windowMs: number, max: number): Promise<Count> {
    this.#waiting.set(client, (this.#waiting.get(client) ?? 0) + 1)
    try {
      for (;;) {
        await this.#lease(client, windowMs, max)
        const counted = this.#spend(client, max)
        if (counted) return counted
      }
    } finally {
      const left = (this.#waiting.get(client) ?? 1) - 1
      if (left > 0) this.#waiting.set(client, left)
      else this.#waiting.delete(client)
    }
  }

  /**
   * One unit of `client`'s lease, spent now, or null when that would take Redis (no lease in
   * hand) or the budget is spent; then nothing is touched, and the plugin's `incr` decides.
   */
  spendNow(client: string, max: number): Count | null {
    const lease = this.#current(client)
    return lease && lease.left > 0 ? this.#spend(client, max) : null
  }

  /** The plugin's store interface for `{ increment: false }`: the count without spending. */
  read(client: string, callback: Callback, _windowMs: number, max: number): void {
    const lease = this.#current(client)
    callback(null, lease ? this.#count(lease, max, 0) : { current: 0, ttl: 0 })
  }

  child(): LeasedRateLimitStore {
    return this
  }

  /** One unit from the client's lease, or null when a new lease is needed. */
  #spend(client: string, max: number): Count | null {
    const lease = this.#current(client)
    if (!lease) return null
    if (lease.left > 0) {
      lease.left--
      lease.counted++
      return this.#count(lease, max, 0)
    }
    return lease.last ? this.#count(lease, max, 1) : null
  }

  #count(lease: Lease, max: number, over: number): Count {
    const current = over ? Math.max(max + 1, lease.counted + over) : lease.counted
    return { current, ttl: Math.max(0, lease.windowEndsAt - Date.now()) }
  }

  #current(client: string): Lease | undefined {
    const lease = this.#leases.get(client)
    if (lease && lease.windowEndsAt <= Date.now()) {
      this.#leases.delete(client)
      return undefined
    }
    return lease
  }

  /** Takes a lease for `client`; callers arriving meanwhile wait for the same one. */
  #lease(client: string, windowMs: number, max: number): Promise<void> {
    const pending = this.#leasing.get(client)
    if (pending) return pending
    // A burst of concurrent requests takes one lease for all of them, not one round trip per lease.
    const units = Math.min(max, Math.max(leaseUnits(max), this.#waiting.get(client) ?? 1))
    const taking = this.#redis
      .rateLimitLease(`${this.#prefix}${client}`, units, windowMs)
      .then(([taken, ttl]) => {
        const before = taken - units
        const granted = Math.min(units, Math.max(0, max - before))
        this.#keep(client, {
          counted: before,
          left: granted,
          last: granted < units,
          windowEndsAt: Date.now() + ttl,
        })
      })
      .finally(() => this.#leasing.delete(client))
    this.#leasing.set(client, taking)
    return taking
  }

  #keep(client: string, lease: Lease): void {
    this.#leases.delete(client)
    this.#leases.set(client, lease)
    if (this.#leases.size > MAX_CLIENTS) {
      const oldest = this.#leases.keys().next().value
      if (oldest !== undefined) this.#leases.delete(oldest)
    }
  }
}
