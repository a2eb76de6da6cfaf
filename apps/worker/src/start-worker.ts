import { producerJobOptions } from '@marketcache/shared/jobs'
import { Keys } from '@marketcache/shared/keys'
import { redactUrl } from '@marketcache/shared/log-safety'
import { assertQueueRedis } from '@marketcache/shared/queue-redis'
import { configGetters, type RedisClient } from '@marketcache/shared/redis-client'
import { isConnectionError, RedisOutageLog } from '@marketcache/shared/redis-outage'
import type { Queue } from 'bullmq'
import type { WorkerConfig } from './config'
import type { ProcessorContext } from './contracts/processor'
import type { ConsumedQueue, ProviderQueue } from './contracts/queue'
import { type WorkerHealth, workerHealth } from './health'
import { startHeartbeat } from './heartbeat'
import { createQueueWorker, type ProviderWorker, type QueueWorkerDeps } from './job-runner'
import { keepLanes } from './lanes'
import { createLogger, type Logger } from './logger'
import { queueSnapshot } from './metrics/queue-snapshot'
import { WorkerMetrics } from './metrics/worker-metrics'
import { createProcessorContext } from './processor-context'
import { ProviderCallCounter } from './provider-calls'
import { openQueues } from './queue-handles'
import { providerQueues } from './queues/consumed'
import { createCacheRedis, createQueueRedis } from './redis'
import { startWarmSchedules } from './schedules'

export interface WorkerDeps {
  logger?: Logger
  /** Injected clients stay open on close(); clients the worker creates are quit. */
  cacheRedis?: RedisClient
  /** Must have `maxRetriesPerRequest: null` (see `createQueueRedis`). */
  queueRedis?: RedisClient
  /** Clock for fetchedAt, freshness and the warm-ups' market hours. @defaultValue Date.now */
  now?: () => number
  /** Freshness jitter in [0, 1), so tests can pin it. @defaultValue Math.random */
  random?: () => number
  /**
   * The queues this process runs a worker on; every queue can still be enqueued on (derived
   * jobs enqueue their inputs' fills). @defaultValue every consumed queue
   */
  run?: readonly ConsumedQueue[]
  /** Where the worker's metrics go; a scrape reads it through `metrics.registry`. @defaultValue a new one */
  metrics?: WorkerMetrics
}

export interface RunningWorker {
  /** Producer handles on the consumed queues (what warm-ups enqueue on; handy for tests). */
  queues: { readonly [Q in ConsumedQueue]: Queue }
  /** The workers this process runs (every queue unless `run` names fewer). */
  workers: { readonly [Q in ConsumedQueue]?: ProviderWorker }
  metrics: WorkerMetrics
  /** Whether both Redis connections are up and every BullMQ worker runs (`/health`). */
  health(): WorkerHealth
  /** Stops schedules, lets running jobs finish, then releases connections. Idempotent. */
  close(): Promise<void>
}

/** Wires the worker from a config; no globals, so tests can run several side by side. */
export async function startWorker(
  config: WorkerConfig,
  deps: WorkerDeps = {},
): Promise<RunningWorker> {
  const logger = deps.logger ?? createLogger(config.logLevel)
  const { cacheRedis, queueRedis, owned, outages, servers } = connections(config, deps, logger)
  const reportQueueError = (error: unknown) => outages.report(servers.queue, error)
  logger.info({ config: redacted(config) }, 'worker starting')
  try {
    // An evicting queue Redis loses jobs: refuse before anything is enqueued or consumed.
    await checkQueueRedis(queueRedis, logger)
  } catch (error) {
    await quitAll(owned)
    throw error
  }

  const keys = new Keys(config.keyPrefix)
  const metrics = deps.metrics ?? new WorkerMetrics()
  const queues = {} as Record<ConsumedQueue, Queue>
  const context = contextFor(config, deps, { cacheRedis, keys, logger, metrics, queues })
  const specs = providerQueues(config, {
    context,
    counter: new ProviderCallCounter(cacheRedis, keys, logger, metrics),
    fleet: { redis: queueRedis, keys: new Keys(config.queuePrefix) },
  })
  const queueNames = Object.keys(specs) as ConsumedQueue[]
  openQueues(queues, queueNames, { queueRedis, config, logger, reportQueueError })
  const workers = await runWorkers(specs, queues, deps.run ?? queueNames, {
    connection: queueRedis,
    prefix: config.queuePrefix,
    writer: context.writer,
    reader: context.reader,
    now: context.now,
    backoff: config.backoff,
    locks: config.locks,
    logger,
    reportConnectionError: reportQueueError,
    metrics,
  })
  const schedules = startWarmSchedules(config.warmSchedules, (q) => queues[q], logger, context.now)
  const heartbeat = startHeartbeat(queueRedis, new Keys(config.queuePrefix), Object.keys(workers))
  const lanes = (Object.keys(workers) as ConsumedQueue[]).map((name) =>
    keepLanes(queues[name], specs[name].limiter, { redis: queueRedis, logger }),
  )
  const watched = queueNames.map((name) => ({ ...specs[name], queue: queues[name] }))
  metrics.watchQueues(queueSnapshot(watched, { redis: queueRedis, logger }))
  logger.info({ queues: queueNames }, 'worker started')

  let closing: Promise<void> | undefined
  const close = async () => {
    logger.info('worker closing')
    await schedules.stop()
    for (const keeper of lanes) keeper.stop()
    await heartbeat.stop()
    await Promise.all(Object.values(workers).map((worker) => worker.close()))
    await Promise.all(queueNames.map((name) => queues[name].close()))
    await Promise.all(queueNames.map((name) => specs[name].close()))
    await quitAll(owned)
    logger.info('worker closed')
  }
  return {
    queues,
    workers,
    metrics,
    health: () => workerHealth({ cacheRedis, queueRedis, workers }),
    close: () => (closing ??= close()),
  }
}

/** The processors' context, built once; `queues` are filled in by the time a job runs. */
function contextFor(
  config: WorkerConfig,
  deps: WorkerDeps,
  built: {
    cacheRedis: RedisClient
    keys: Keys
    logger: Logger
    metrics: WorkerMetrics
    queues: Readonly<Record<ConsumedQueue, Queue>>
  },
): ProcessorContext {
  const { queues } = built
  // Derived jobs fetch missing inputs through the same deduplicated jobs a read would make.
  const enqueue: ProcessorContext['enqueue'] = async (request, origin) => {
    await queues[request.queue as ConsumedQueue].add(
      request.name,
      { ...request.data, origin },
      producerJobOptions(request, origin),
    )
  }
  return createProcessorContext({
    cacheRedis: built.cacheRedis,
    keys: built.keys,
    freshness: config.freshness,
    logger: built.logger,
    enqueue,
    metrics: built.metrics,
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.random ? { random: deps.random } : {}),
  })
}

/**
 * The cache and queue clients: injected ones as they are, the rest created (and owned). One outage
 * log follows both servers (one server when both URLs are the same).
 */
function connections(config: WorkerConfig, deps: WorkerDeps, logger: Logger) {
  const cacheRedis =
    deps.cacheRedis ?? createCacheRedis(config.cacheRedisUrl, config.cacheRedisCluster)
  const queueRedis =
    deps.queueRedis ?? createQueueRedis(config.queueRedisUrl, config.queueRedisCluster)
  const owned = [deps.cacheRedis ? null : cacheRedis, deps.queueRedis ? null : queueRedis].filter(
    (client): client is RedisClient => client !== null,
  )
  const same = config.cacheRedisUrl === config.queueRedisUrl
  const servers = { cache: same ? 'cache+queue' : 'cache', queue: same ? 'cache+queue' : 'queue' }
  const outages = new RedisOutageLog(logger)
  outages.watch(servers.cache, cacheRedis)
  outages.watch(servers.queue, queueRedis)
  return { cacheRedis, queueRedis, owned, outages, servers }
}

/** One error-policy worker per queue spec, started once every one is connected. */
async function runWorkers(
  specs: { readonly [Q in ConsumedQueue]: ProviderQueue<Q> },
  queues: Readonly<Record<ConsumedQueue, Queue>>,
  names: readonly ConsumedQueue[],
  deps: Omit<QueueWorkerDeps, 'queue'>,
): Promise<Partial<Record<ConsumedQueue, ProviderWorker>>> {
  const workers: Partial<Record<ConsumedQueue, ProviderWorker>> = {}
  // Each spec is typed by its own name; the loop variable only knows the union.
  for (const name of names) {
    workers[name] = createQueueWorker(specs[name] as ProviderQueue, {
      ...deps,
      queue: queues[name],
    })
  }
  const running = Object.entries(workers) as [ConsumedQueue, ProviderWorker][]
  await Promise.all(running.map(([, worker]) => worker.waitUntilReady()))
  for (const [name, worker] of running) {
    worker
      .run()
      .catch((error: unknown) => deps.logger.error({ err: error, queue: name }, 'worker stopped'))
  }
  return workers
}

/**
 * The queue Redis policy check, once Redis takes our commands: like BullMQ's own start-up, it
 * waits through an outage (or refused credentials) instead of failing, since the outage log
 * already says why nothing happens.
 */
async function checkQueueRedis(queueRedis: RedisClient, logger: Logger): Promise<void> {
  // A cluster knows its masters (each with its own policy) once it is ready.
  while (queueRedis.isCluster && queueRedis.status !== 'ready' && queueRedis.status !== 'end') {
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  for (;;) {
    try {
      return await assertQueueRedis(configGetters(queueRedis), logger)
    } catch (error) {
      if (!isConnectionError(error)) throw error
      await new Promise((resolve) => setTimeout(resolve, 1000))
    }
  }
}

async function quitAll(clients: readonly RedisClient[]): Promise<void> {
  await Promise.all(clients.map((client) => client.quit().catch(() => client.disconnect())))
}

/** The config as logged: RedisClient URLs without their passwords. */
function redacted(config: WorkerConfig) {
  return {
    ...config,
    cacheRedisUrl: redactUrl(config.cacheRedisUrl),
    queueRedisUrl: redactUrl(config.queueRedisUrl),
  }
}
