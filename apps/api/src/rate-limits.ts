import rateLimit, { type FastifyRateLimitStoreCtor, normalizeIP } from '@fastify/rate-limit'
import type { Keys } from '@marketcache/shared/keys'
import type { RedisClient } from '@marketcache/shared/redis-client'
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Scope } from './api-keys'
import type { ApiKeyAuth } from './auth'
import type { ApiConfig } from './config'
import { ApiError } from './errors'
import { LeasedRateLimitStore } from './rate-limit-leases'

/** The budgets a client spends: every request, and those that can spend provider quota. */
export const RateLimitScope = { all: 'all', costly: 'costly' } as const
export type RateLimitScope = (typeof RateLimitScope)[keyof typeof RateLimitScope]

/** Operational routes (and what lies under them) that no budget covers: probes must not be refused. */
const UNLIMITED_ROUTES = ['/health', '/docs', '/metrics'] as const

export interface RateLimits {
  /**
   * Spends one unit of the request's costly budget (a miss, `fresh=true`). Call it before
   * anything is enqueued: past the budget it throws RATE_LIMITED and the read stops there.
   */
  admitCostly(request: FastifyRequest): Promise<void>
  /**
   * Spends one unit of the all-requests budget from this process's lease, without waiting: the
   * RateLimit-* headers of the request, or null when that takes Redis or the client is over its
   * budget, for the full request path to decide (nothing is counted twice).
   */
  spendNow(request: ClientRequest): Record<string, string> | null
}

/** What identifies a client: its headers (an API key) and its address. */
export type ClientRequest = Pick<FastifyRequest, 'headers' | 'ip'>

/** The RateLimit-* headers of a budget (`ratelimit-reset` at least 1 s). */
function budgetHeaders(max: number, remaining: number, ttlInSeconds: number) {
  return {
    'ratelimit-limit': String(max),
    'ratelimit-remaining': String(remaining),
    'ratelimit-reset': String(Math.max(1, ttlInSeconds)),
  }
}

type Limiter = ReturnType<FastifyInstance['createRateLimit']>

/**
 * One budget, counted in Redis under its own `Keys.rateLimit` namespace by leases (see
 * `LeasedRateLimitStore`: no round trip per request). Each budget is
 * a registration of its own in a context of its own: `createRateLimit()` without options uses that
 * registration's store as it is, whereas with options it derives a child store named after the
 * route (`<namespace><method><url>-`), which a limiter called from a handler does not have.
 */
async function budget(
  app: FastifyInstance,
  options: {
    redis: RedisClient
    nameSpace: string
    max: number
    timeWindow: number
    client: Client
  },
): Promise<{ limiter: Limiter; store: LeasedRateLimitStore }> {
  let limiter: Limiter | undefined
  const store = new LeasedRateLimitStore(options.redis, options.nameSpace)
  await app.register(async (context) => {
    await context.register(rateLimit, {
      global: false,
      // The plugin constructs its store; this one is built above, with its connection.
      store: function leasedStore() {
        return store
      } as unknown as FastifyRateLimitStoreCtor,
      max: options.max,
      timeWindow: options.timeWindow,
      keyGenerator: options.client,
      // Store failures reach us, so they are logged once and the request is served.
      skipOnError: false,
    })
    limiter = context.createRateLimit()
  })
  if (!limiter) throw new Error('the rate-limit plugin did not register')
  return { limiter, store }
}

type Client = (request: ClientRequest) => string

/** Who is counted: the configured API key presented (by digest), else the client IP. */
function clientOf(auth: ApiKeyAuth): Client {
  // Normalising an address runs Node's IPv6 pattern: each address is normalised once (bounded).
  const byAddress = new Map<string, string>()
  return (request) => {
    const keyId = auth.keyIdOf(request)
    if (keyId !== null) return `key-${keyId}`
    let client = byAddress.get(request.ip)
    if (client === undefined) {
      client = `ip-${normalizeIP(request.ip)}`
      if (byAddress.size >= 10_000) byAddress.clear()
      byAddress.set(request.ip, client)
    }
    return client
  }
}

/**
 * Pages an operator browses (the queue board polls, and loads its assets): requests with a key of
 * the admin scope spend no budget there. Requests without one do, so guessing keys costs.
 */
const ADMIN_ROUTES = ['/admin'] as const

const isUnder = (url: string, routes: readonly string[]) =>
  routes.some((route) => url === route || url.startsWith(`${route}/`))

function isUnlimited(request: FastifyRequest, auth: ApiKeyAuth): boolean {
  const url = request.routeOptions.url
  if (url === undefined) return false
  return (
    isUnder(url, UNLIMITED_ROUTES) ||
    (isUnder(url, ADMIN_ROUTES) && auth.browserHas(request, Scope.admin))
  )
}

/** Logs the first failure of the store and its recovery, not every request in between. */
function storeWatch(log: FastifyBaseLogger) {
  let down = false
  return {
    failed(error: unknown) {
      if (!down) {
        log.warn(
          { err: error instanceof Error ? error.message : String(error) },
          'rate-limit store unreachable: requests are served without limits until it is back',
        )
      }
      down = true
    },
    ok() {
      if (down) log.info('rate-limit store reachable again: limits apply')
      down = false
    },
  }
}

/**
 * Spends one unit of `limiter` for `request`: the RateLimit-* headers of the budget, or null when
 * the store failed (fail open). Past the budget it throws RATE_LIMITED with Retry-After.
 */
async function spend(
  limiter: Limiter,
  request: FastifyRequest,
  watch: ReturnType<typeof storeWatch>,
  what: string,
): Promise<Record<string, string> | null> {
  let result: Awaited<ReturnType<Limiter>>
  try {
    result = await limiter(request)
  } catch (error) {
    watch.failed(error)
    return null
  }
  watch.ok()
  if (result.isAllowed) return null
  const headers = budgetHeaders(result.max, result.remaining, result.ttlInSeconds)
  const resetSeconds = headers['ratelimit-reset']
  if (!result.isExceeded) return headers
  throw new ApiError(
    'RATE_LIMITED',
    `this client sent more than ${result.max} ${what} in ${Math.round(result.timeWindow / 1000)} s; retry in ${resetSeconds} s`,
    { headers: { ...headers, 'ratelimit-remaining': '0', 'retry-after': resetSeconds } },
  )
}

/**
 * Per-client rate limits, counted in the cache Redis so every replica on the same key prefix
 * shares them. The budget for all requests is an onRequest hook on every route but the
 * operational ones; the costly budget is spent by the read engine once it knows a read is a miss.
 * Call before routes are registered.
 */
export async function registerRateLimits(
  app: FastifyInstance,
  deps: { redis: RedisClient; keys: Keys; auth: ApiKeyAuth; limits: ApiConfig['rateLimit'] },
): Promise<RateLimits> {
  const { redis, keys, limits } = deps
  const client = clientOf(deps.auth)
  const timeWindow = limits.windowMs
  const all = await budget(app, {
    redis,
    client,
    timeWindow,
    max: limits.max,
    nameSpace: keys.rateLimit(RateLimitScope.all),
  })
  const costly = await budget(app, {
    redis,
    client,
    timeWindow,
    max: limits.costlyMax,
    nameSpace: keys.rateLimit(RateLimitScope.costly),
  })
  const watch = storeWatch(app.log)

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (isUnlimited(request, deps.auth)) return
    const headers = await spend(all.limiter, request, watch, 'requests')
    if (headers) reply.headers(headers)
  })

  return {
    spendNow(request) {
      const count = all.store.spendNow(client(request), limits.max)
      if (count === null) return null
      return budgetHeaders(
        limits.max,
        Math.max(0, limits.max - count.current),
        Math.ceil(count.ttl / 1000),
      )
    },
    async admitCostly(request) {
      await spend(
        costly.limiter,
        request,
        watch,
        'requests that fetch from a provider (misses, fresh=true)',
      )
    },
  }
}
