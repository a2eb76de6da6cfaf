import type { IncomingMessage, ServerResponse } from 'node:http'
import { type AnyDataset, cacheKey } from '@marketcache/shared/dataset'
import { decideRead } from '@marketcache/shared/read-decision'
import type { FastifyBaseLogger, FastifyContextConfig } from 'fastify'
import FindMyWay from 'find-my-way'
import type { Observer } from './bound-histogram'
import type { CacheLookup } from './cache-reader'
import { clientAddress, type Trust } from './client-address'
import { CacheStatus, dataHeaders, fullEntityTag, plainBody } from './http-cache'
import type { SentResponse } from './logger'
import { dataAgeSeconds, type ReadCount, ReadOutcome } from './read-telemetry'
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

/** What a URL the fast lane may answer reads, and where its hits are counted, bound once. */
interface Target {
  key: string
  dataset: AnyDataset
  route: string
  /** The route's series of `GET` 200 durations. */
  timer: Observer
  /** The dataset's HIT count, and its data-age series. */
  hits: ReadCount
  age: Observer | undefined
}

/** A request the fast lane may answer: what it reads, and when it came in. */
interface LaneRead {
  services: ApiServices
  target: Target
  url: string
  started: number
}

/**
 * What the fast lane read from Redis for a request it then left to Fastify (a STALE entry, a miss,
 * a gzipped value), so the full path decides on that read instead of making another.
 */
const handedOver = new WeakMap<IncomingMessage, { key: string; found: CacheLookup }>()

/** The read the fast lane made of `key` for this request, once; undefined when it made none. */
export function readByLane(request: IncomingMessage, key: string): CacheLookup | undefined {
  const read = handedOver.get(request)
  if (read === undefined || read.key !== key) return undefined
  handedOver.delete(request)
  return read.found
}

/** URLs whose target is remembered; past it they are forgotten and looked up again. */
const MAX_URLS = 10_000

/** What is recorded once a response is sent, by the full path's hook and the fast lane alike. */
export interface ResponseObserver {
  /** The duration series (seconds) of `route`'s responses with `method` and `status`. */
  timer(route: string, method: string, status: number): Observer
  /** Records a sent response: its duration in `timer`, and the access log line. */
  sent(timer: Observer, sent: SentResponse, log: FastifyBaseLogger): void
}

const JSON_TYPE = 'application/json; charset=utf-8'

/** Node's request listener: Fastify's, behind the fast lane. */
export type Handler = (request: IncomingMessage, response: ServerResponse) => void

/**
 * The hit path without the framework's per-request machinery. A plain `GET` of a dataset read
 * route (no query string, no `If-None-Match`) whose entry is fresh and not due for a refresh
 * (from this process's L1, or with L1 off from Redis), with the client's rate-limit lease in
 * hand, is answered straight from the raw request: the same headers (`dataHeaders`), the same
 * counters, metrics and access log, the same rate-limit budget. Anything else, and any doubt, goes to Fastify untouched: misses, STALE,
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
    private readonly observer: ResponseObserver,
    private readonly log: FastifyBaseLogger,
    /** Fastify's `trustProxy`, so a client is named here as `request.ip` names it there. */
    private readonly trust?: Trust,
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
   * Answers `request` when it is a plain hit, else hands it, untouched, to `next` (Fastify). With
   * L1 on, only the copies L1 holds are answered here (the full path reads and keeps the rest);
   * with L1 off, or bypassed while the written events are down, the entry is read from Redis by
   * the one reader first. A fault here is logged and the full path answers instead (or, past the
   * headers, the response ends).
   */
  serve(request: IncomingMessage, response: ServerResponse, next: Handler): void {
    try {
      const read = this.#read(request)
      if (read === null) {
        next(request, response)
        return
      }
      const { services, target } = read
      if (services.l1.enabled) {
        const now = Date.now()
        const entry = services.l1.peek(target.key, now)
        if (!this.#answer(request, response, read, { entry, layer: 'L1' }, now)) {
          next(request, response)
        }
      } else {
        void this.#fromRedis(request, response, next, read)
      }
    } catch (error) {
      this.#failed(error, request, response, next)
    }
  }

  async #fromRedis(
    request: IncomingMessage,
    response: ServerResponse,
    next: Handler,
    read: LaneRead,
  ): Promise<void> {
    let found: CacheLookup
    try {
      found = await read.services.reader.lookup(read.target.key)
    } catch {
      // Redis is away: the full path answers with its 503.
      next(request, response)
      return
    }
    try {
      if (!this.#answer(request, response, read, found, Date.now())) {
        handedOver.set(request, { key: read.target.key, found })
        next(request, response)
      }
    } catch (error) {
      this.#failed(error, request, response, next)
    }
  }

  #failed(error: unknown, request: IncomingMessage, response: ServerResponse, next: Handler) {
    this.log.error({ err: error }, 'hit fast lane failed; the full read path answers')
    if (response.headersSent) response.destroy()
    else next(request, response)
  }

  /** What a request the fast lane may answer reads, or null when it is not one. */
  #read(request: IncomingMessage): LaneRead | null {
    const services = this.#services
    const { url } = request
    if (services === undefined || request.method !== 'GET' || url === undefined) return null
    if (url.includes('?') || request.headers['if-none-match'] !== undefined) return null
    const started = performance.now()
    const target = this.#target(url, services)
    return target === null ? null : { services, target, url, started }
  }

  /**
   * Sends `entry` when it is a plain HIT (fresh, no refresh due, not gzipped) and the client's
   * rate-limit lease is in hand; false when the full path must answer instead.
   */
  #answer(
    request: IncomingMessage,
    response: ServerResponse,
    read: LaneRead,
    { entry, layer }: CacheLookup,
    now: number,
  ): boolean {
    if (entry === null || 'notFound' in entry || entry.gzip) return false
    const { services, target } = read
    const decision = decideRead(entry, now, services.policy)
    if (decision.status !== 'HIT' || decision.refresh) return false
    const limits = services.rateLimits.spendNow({
      headers: request.headers,
      ip: clientAddress(request, this.trust),
    })
    if (limits === null) return false

    const { key, dataset } = target
    if (layer === 'L1') services.l1.used(key)
    services.telemetry.readKey(dataset.name, key)
    target.hits.add()
    target.age?.observe(dataAgeSeconds(entry, now))
    const body = plainBody(entry)
    const tag = fullEntityTag(entry)
    const headers = dataHeaders(CacheStatus.hit, entry, { layer, tag }, now)
    for (const name in limits) headers.push(name, limits[name] as string)
    headers.push('content-type', JSON_TYPE, 'content-length', String(Buffer.byteLength(body)))
    response.writeHead(200, headers)
    response.end(body)
    const ms = performance.now() - read.started
    const sent = { method: 'GET', url: read.url, status: 200, ms, cache: 'HIT', layer }
    this.observer.sent(target.timer, sent, this.log)
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
        const { dataset, route } = lane
        const { telemetry } = services
        target = {
          key: cacheKey(services.keys, dataset, params),
          dataset,
          route,
          timer: this.observer.timer(route, 'GET', 200),
          hits: telemetry.counter(dataset.name, ReadOutcome.hit),
          age: telemetry.ageOf(dataset.name),
        }
      }
    } catch {
      target = null
    }
    if (this.#urls.size >= MAX_URLS) this.#urls.clear()
    this.#urls.set(url, target)
    return target
  }
}
