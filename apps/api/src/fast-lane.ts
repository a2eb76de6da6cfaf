import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { type AnyDataset, cacheKey } from '@marketcache/shared/dataset'
import { decideRead } from '@marketcache/shared/read-decision'
import type { FastifyBaseLogger, FastifyContextConfig } from 'fastify'
import FindMyWay from 'find-my-way'
import { CacheStatus, dataHeaders, fullEntityTag } from './http-cache'
import type { SentResponse } from './logger'
import { ReadOutcome } from './read-telemetry'
import type { ApiServices } from './services'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A read route's dataset: its plain L1 hits may be answered by the `HitFastLane`. */
    hitFastLane?: AnyDataset
  }
}

interface Lane {
  /** The route's template, as Fastify names it in metrics. */
  route: string
  /** The dataset whose entries the route reads; null for every other route. */
  dataset: AnyDataset | null
}

/** What a URL the fast lane may answer reads. */
interface Target {
  key: string
  dataset: AnyDataset
  route: string
}

/** URLs whose target is remembered; past it they are forgotten and looked up again. */
const MAX_URLS = 10_000

/** What the fast lane reports once it has answered, as the full path's onResponse hook does. */
export type Observe = (route: string, sent: SentResponse, log: FastifyBaseLogger) => void

const JSON_TYPE = 'application/json; charset=utf-8'

/**
 * The hit path without the framework's per-request machinery. A plain `GET` of a dataset read
 * route (no query string, no `If-None-Match`) whose entry this process's L1 holds, fresh and not
 * due for a refresh, with the client's rate-limit lease in hand, is answered straight from the
 * raw request: the same headers (`dataHeaders`), the same counters, metrics and access log, the
 * same rate-limit budget. Anything else, and any doubt, goes to Fastify untouched: misses, STALE,
 * filters and parameters, conditional requests, values stored gzipped, errors, refused clients.
 *
 * It routes with its own find-my-way, fed every GET route Fastify registers (`learn`), with
 * Fastify's router options, so a URL matches here exactly the route it matches there.
 */
export class HitFastLane {
  readonly #router: FindMyWay.Instance<FindMyWay.HTTPVersion.V1>
  readonly #urls = new Map<string, Target | null>()
  #services: ApiServices | undefined

  constructor(
    routerOptions: { maxParamLength: number },
    private readonly observe: Observe,
    private readonly log: FastifyBaseLogger,
  ) {
    this.#router = FindMyWay({ maxParamLength: routerOptions.maxParamLength })
  }

  /** The services reads use; until given, everything goes to Fastify. */
  start(services: ApiServices): void {
    this.#services = services
  }

  /** Fastify's `onRoute`: every GET route, with its dataset when it takes the fast lane. */
  learn(route: { method: string | string[]; url: string; config?: FastifyContextConfig }): void {
    const methods = [route.method].flat()
    if (!methods.includes('GET')) return
    const lane: Lane = { route: route.url, dataset: route.config?.hitFastLane ?? null }
    this.#router.on('GET', route.url, () => {}, lane)
  }

  /**
   * Answers `request` when it is a plain L1 hit; false leaves it, untouched, to Fastify. A fault
   * here is logged and the full path answers instead (or, past the headers, the response ends).
   */
  serve(request: IncomingMessage, response: ServerResponse): boolean {
    try {
      return this.#serve(request, response)
    } catch (error) {
      this.log.error({ err: error }, 'hit fast lane failed; the full read path answers')
      if (!response.headersSent) return false
      response.destroy()
      return true
    }
  }

  #serve(request: IncomingMessage, response: ServerResponse): boolean {
    const services = this.#services
    const { url } = request
    if (services === undefined || request.method !== 'GET' || url === undefined) return false
    if (url.includes('?') || request.headers['if-none-match'] !== undefined) return false
    const started = performance.now()
    const target = this.#target(url, services)
    if (target === null) return false
    const now = Date.now()
    const { l1 } = services
    const entry = l1.peek(target.key, now)
    if (entry === null || 'notFound' in entry || entry.gzip) return false
    const decision = decideRead(entry, now, services.policy)
    if (decision.status !== 'HIT' || decision.refresh) return false
    const limits = services.rateLimits.spendNow({
      headers: request.headers,
      ip: request.socket.remoteAddress ?? '',
    })
    if (limits === null) return false

    const { key, dataset, route } = target
    l1.used(key)
    const { telemetry } = services
    telemetry.readKey(dataset.name, key)
    telemetry.count(dataset.name, ReadOutcome.hit)
    telemetry.served(dataset.name, entry, now)
    const body = entry.body ?? entry.data
    const tag = fullEntityTag(entry)
    const headers = Object.assign(
      dataHeaders(CacheStatus.hit, entry, { layer: 'L1', tag }, now),
      limits,
    )
    headers['content-type'] = JSON_TYPE
    headers['content-length'] = String(Buffer.byteLength(body))
    response.writeHead(200, headers)
    response.end(body)
    const ms = performance.now() - started
    this.observe(
      route,
      { method: 'GET', url, status: 200, ms, cache: 'HIT', layer: 'L1' },
      this.log,
    )
    return true
  }

  /**
   * The cache key a URL reads and its route, or null when the fast lane never answers it: a
   * route without a dataset, params its dataset refuses (Fastify answers the 400), a malformed
   * URL. Remembered per URL (they are pure), at most MAX_URLS, so a flood of distinct ones costs
   * bounded memory.
   */
  #target(url: string, services: ApiServices): Target | null {
    const known = this.#urls.get(url)
    if (known !== undefined) return known
    let target: Target | null = null
    try {
      const found = this.#router.find('GET', url)
      const lane = found?.store as Lane | undefined
      if (found && lane?.dataset) {
        const params = lane.dataset.parseParams({ ...found.params })
        const key = cacheKey(services.keys, lane.dataset, params)
        target = { key, dataset: lane.dataset, route: lane.route }
      }
    } catch {
      target = null
    }
    if (this.#urls.size >= MAX_URLS) this.#urls.clear()
    this.#urls.set(url, target)
    return target
  }
}

/** Fastify's server options that `getServerInstance` applies to the HTTP/1 server it makes. */
interface ServerOptions {
  http?: object
  keepAliveTimeout: number
  requestTimeout: number
  connectionTimeout: number
  maxRequestsPerSocket: number
}

type Handler = (request: IncomingMessage, response: ServerResponse) => void

/**
 * The HTTP/1 server Fastify would make (its `serverFactory`: the same timeouts), with the fast
 * lane's `serve` in front of Fastify's handler.
 */
export function serverWithFastLane(
  serve: (request: IncomingMessage, response: ServerResponse) => boolean,
  handler: Handler,
  options: ServerOptions,
): Server {
  const server = createServer(options.http ?? {}, (request, response) => {
    if (!serve(request, response)) handler(request, response)
  })
  server.keepAliveTimeout = options.keepAliveTimeout
  server.requestTimeout = options.requestTimeout
  server.setTimeout(options.connectionTimeout)
  if (options.maxRequestsPerSocket > 0) server.maxRequestsPerSocket = options.maxRequestsPerSocket
  return server
}
