import compress from '@fastify/compress'
import { type TypeBoxTypeProvider, TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox'
import { COMPRESS_FROM_BYTES } from '@marketcache/shared/envelope'
import { Keys } from '@marketcache/shared/keys'
import type { RedisClient } from '@marketcache/shared/redis-client'
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify'
import { ApiKeyAuth } from './auth'
import { BacktestBatches } from './backtest-batches'
import { CacheReader } from './cache-reader'
import { CacheStats } from './cache-stats'
import { Catalogs } from './catalogs'
import { trustOf } from './client-address'
import type { ApiConfig } from './config'
import { Enqueuer } from './enqueuer'
import { clientError, frameworkErrors, installErrorHandling } from './error-handler'
import { HitFastLane, type ResponseObserver } from './fast-lane'
import { L1Cache } from './l1'
import { serverWithFastLane } from './lane-server'
import { accessLog, loggerOptions, sentResponse } from './logger'
import { ApiMetrics, UNMATCHED_ROUTE } from './metrics'
import { registerOpenApi } from './openapi'
import { QueueRedisGuard } from './queue-redis-guard'
import { type RateLimits, registerRateLimits } from './rate-limits'
import { ReadTelemetry } from './read-telemetry'
import { closeClient, createSubscriber } from './redis-clients'
import { backtestBatchRoutes } from './routes/backtest-batches'
import { cacheInvalidateRoutes } from './routes/cache-invalidate'
import { cacheStatsRoutes } from './routes/cache-stats'
import { datasetRoutes } from './routes/dataset-routes'
import { healthRoutes } from './routes/health'
import { healthDetailedRoutes } from './routes/health-detailed'
import { jobRoutes } from './routes/jobs'
import { metricsRoutes } from './routes/metrics'
import { multiGetRoutes } from './routes/multi-get-routes'
import { pushRoutes } from './routes/push'
import { queueBoardRoutes } from './routes/queue-board'
import { signalListRoutes } from './routes/signals'
import { streamRoutes } from './routes/stream'
import { updateCacheRoutes } from './routes/update-cache'
import type { ApiServices } from './services'
import { rejectUnknownParameters } from './unknown-parameters'
import { WrittenEvents } from './written-events'

export interface AppDeps {
  config: ApiConfig
  /** Reads entries and telemetry; should fail fast (see `createFailFastClient`). */
  cacheRedis: RedisClient
  /** BullMQ's connection; should fail fast too. */
  queueRedis: RedisClient
  /** Pub/sub connection for written events. @defaultValue a duplicate of cacheRedis */
  subscriber?: RedisClient
  /** @defaultValue a pino logger at `config.logLevel` */
  logger?: FastifyBaseLogger
}

/** Commands are small JSON objects; 250 ids fit in a fraction of this. */
const BODY_LIMIT_BYTES = 64 * 1024

/**
 * The API, wired to injected connections and ready to `inject()` or `listen()`. The app owns the
 * connections from then on: `app.close()` flushes telemetry and closes queues, the subscriber
 * and both clients.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, cacheRedis, queueRedis } = deps
  const metrics = new ApiMetrics()
  const observer = responseObserver(metrics, config.accessLogHitSample)
  const { app, lane } = createFastify(deps, observer)
  app.addHook('onRoute', (route) => lane.learn(route))
  // Refuses to start on an evicting queue Redis (QueueRedisEvictsError names the fix).
  const queueGuard = new QueueRedisGuard(queueRedis, app.log)
  await queueGuard.assertAtStart().catch(async (error: unknown) => {
    await Promise.all([closeClient(cacheRedis), closeClient(queueRedis)])
    throw error
  })
  // Responses over 1 KB are compressed per request, except the dataset reads, whose large values
  // are stored gzipped and sent as stored (`sendEnvelope`). Routes added after it get its hooks.
  await app.register(compress, { threshold: COMPRESS_FROM_BYTES })
  await registerOpenApi(app, { publicUrl: config.publicUrl })
  rejectUnknownParameters(app)

  const subscriber = deps.subscriber ?? createSubscriber(cacheRedis, config.keyPrefix, app.log)
  const keys = new Keys(config.keyPrefix)
  const auth = new ApiKeyAuth(config.apiKeys)
  const rateLimits = await registerRateLimits(app, {
    redis: cacheRedis,
    keys,
    auth,
    limits: config.rateLimit,
  })
  const services = createServices(deps, { subscriber, keys, auth, rateLimits, metrics }, app.log)
  const { events, telemetry, enqueuer, batches } = services
  lane.start(services)

  await app.register(datasetRoutes, { services })
  await app.register(multiGetRoutes, { services })
  await app.register(signalListRoutes, { services })
  await app.register(streamRoutes, { services, metrics })
  await app.register(backtestBatchRoutes, { services, auth })
  await app.register(updateCacheRoutes, { services, auth })
  await app.register(pushRoutes, { services, auth })
  await app.register(cacheInvalidateRoutes, { services, auth })
  await app.register(jobRoutes, { services })
  await app.register(cacheStatsRoutes, { stats: new CacheStats(services) })
  await app.register(healthRoutes, { cacheRedis, queueRedis, queueGuard })
  await app.register(healthDetailedRoutes, { services })
  await app.register(metricsRoutes, { metrics, auth, requireKey: config.metricsRequireKey })
  if (config.queueBoard) await app.register(queueBoardRoutes, { queues: enqueuer.handles, auth })

  app.addHook('onClose', async () => {
    await telemetry.close()
    await events.close()
    await enqueuer.close()
    await batches.close()
    await Promise.all([closeClient(subscriber), closeClient(cacheRedis), closeClient(queueRedis)])
  })

  // Without the subscription, misses could only end by their deadline; with Redis away it is
  // queued and runs on connect, so start-up does not wait for it.
  if (!(await events.start(Math.max(1000, config.redisCommandTimeoutMs * 2)))) {
    app.log.warn('written-event subscription pending: RedisClient is not answering yet')
  }
  telemetry.start()
  return app
}

/** What is recorded once a response is sent, by the full path's hook and the fast lane alike. */
function responseObserver(metrics: ApiMetrics, hitSample: number): ResponseObserver {
  const logResponse = accessLog(hitSample)
  return {
    timer: (route, method, status) => metrics.requestTimer(route, method, status),
    sent(timer, sent, log) {
      timer.observe(sent.ms / 1000)
      logResponse(sent, log)
    },
  }
}

/** Router options shared by Fastify and the hit fast lane, so both match a URL alike. */
const ROUTER = { maxParamLength: 256 }

/** Fastify with the API's server options, validation and error shape; no routes yet. */
function createFastify(deps: AppDeps, observer: ResponseObserver) {
  let lane: HitFastLane | undefined
  const trust = trustOf(deps.config.trustProxy)
  const app = Fastify({
    ...(deps.logger
      ? { loggerInstance: deps.logger }
      : { logger: loggerOptions(deps.config.logLevel) }),
    bodyLimit: BODY_LIMIT_BYTES,
    // Long enough that a 65-character id reaches the handler and gets its 400, not a 404.
    routerOptions: ROUTER,
    // The same function names the client for the fast lane (`clientAddress`).
    ...(trust ? { trustProxy: trust } : {}),
    // Fastify's own HTTP server, with the hit fast lane in front of its handler.
    serverFactory: (handler, options) =>
      serverWithFastLane(
        (request, response, next) =>
          lane ? lane.serve(request, response, next) : next(request, response),
        handler,
        options as never,
      ),
    // One line per response instead, hits sampled (`accessLog`).
    logController: new LogController({ disableRequestLogging: true }),
    frameworkErrors,
    clientErrorHandler: clientError,
  }).withTypeProvider<TypeBoxTypeProvider>()
  // TypeBox checks bodies strictly (no coercion, unknown fields rejected) and converts query strings.
  app.setValidatorCompiler(TypeBoxValidatorCompiler)
  // Commands take JSON only: anything else is a 415, not a string body that fails validation.
  app.removeContentTypeParser('text/plain')
  installErrorHandling(app)
  lane = new HitFastLane(ROUTER, observer, app.log, trust)
  // One hook for all that is observed once a response is sent: each hook costs every hit.
  app.addHook('onResponse', async (request, reply) => {
    const sent = sentResponse(request, reply)
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE
    observer.sent(observer.timer(route, sent.method, sent.status), sent, request.log)
  })
  return { app, lane }
}

/** The per-app services every route module gets; nothing module-level. */
function createServices(
  deps: AppDeps,
  built: {
    subscriber: RedisClient
    keys: Keys
    auth: ApiKeyAuth
    rateLimits: RateLimits
    metrics: ApiMetrics
  },
  log: FastifyBaseLogger,
): ApiServices {
  const { config, cacheRedis, queueRedis } = deps
  const { subscriber, keys, auth, rateLimits, metrics } = built
  const enqueuer = new Enqueuer(queueRedis, {
    prefix: config.queuePrefix,
    attempts: config.jobAttempts,
    missBacklog: config.missBacklog,
    onError: (queue, error) => log.debug({ queue, err: error.message }, 'queue connection error'),
  })
  const batches = new BacktestBatches(queueRedis, {
    prefix: config.queuePrefix,
    attempts: config.jobAttempts,
    onError: (error) => log.debug({ err: error.message }, 'batch queue connection error'),
  })
  const l1 = new L1Cache(config.l1)
  metrics.watchL1(l1)
  const telemetry = new ReadTelemetry(cacheRedis, keys.readStats(), {
    onError: (error) =>
      log.warn({ err: error.message }, 'read counters not flushed; kept for the next try'),
    metrics,
    l1,
    topReadsKey: (dataset) => keys.topReads(dataset),
  })
  const reader = new CacheReader(cacheRedis, l1)
  return {
    config,
    keys,
    policy: { refreshAheadRatio: config.refreshAheadRatio, errorRetryMs: config.errorRetryMs },
    cacheRedis,
    queueRedis,
    reader,
    l1,
    catalogs: new Catalogs(reader, keys),
    enqueuer,
    batches,
    events: new WrittenEvents(subscriber, keys.writtenChannel(), l1),
    telemetry,
    auth,
    rateLimits,
  }
}
