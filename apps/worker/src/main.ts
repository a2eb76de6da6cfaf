import { ConfigError } from '@marketcache/shared/env'
import { QueueRedisEvictsError } from '@marketcache/shared/queue-redis'
import closeWithGrace from 'close-with-grace'
import { loadConfig, type WorkerConfig } from './config'
import { STARTING, type WorkerHealth } from './health'
import { createLogger, type Logger } from './logger'
import { type MetricsServer, serveMetrics } from './metrics/server'
import { WorkerMetrics } from './metrics/worker-metrics'
import { type RunningWorker, startWorker } from './start-worker'

/** How long running jobs get to finish on SIGINT/SIGTERM; below compose's 30 s stop grace. */
const CLOSE_GRACE_MS = 25_000

function configOrExit(): WorkerConfig {
  try {
    return loadConfig()
  } catch (error) {
    // A bad variable is an operator's typo, not a crash: say which one, without a stack.
    if (error instanceof ConfigError) {
      console.error(error.message)
      process.exit(1)
    }
    throw error
  }
}

/**
 * `/metrics` and `/health` on WORKER_METRICS_PORT, before the worker connects: a port already
 * taken stops the process at once, and while it waits for Redis, /health says `starting` (503).
 */
async function serveOrExit(
  { host, port }: WorkerConfig['metrics'],
  source: { metrics: WorkerMetrics; health: () => WorkerHealth; logger: Logger },
): Promise<MetricsServer | null> {
  const { metrics, health, logger } = source
  if (port === null) return null
  try {
    const server = await serveMetrics(
      { registry: metrics.registry, health },
      { host, port, logger },
    )
    logger.info({ url: server.url }, 'metrics and health listening')
    return server
  } catch (error) {
    logger.fatal({ err: error, host, port }, 'cannot listen for /metrics (WORKER_METRICS_PORT)')
    process.exit(1)
  }
}

const config = configOrExit()
const logger = createLogger(config.logLevel)
const metrics = new WorkerMetrics()
let running: RunningWorker | undefined
const server = await serveOrExit(config.metrics, {
  metrics,
  health: () => running?.health() ?? STARTING,
  logger,
})
const worker = await startWorker(config, { logger, metrics }).catch((error: unknown) => {
  // An evicting queue Redis is an operator's setting: say which and how to fix it, then stop.
  if (error instanceof QueueRedisEvictsError) {
    logger.fatal({ code: error.code, policy: error.policy }, error.message)
  } else {
    // Through the logger, not Node's crash print: that would show a Redis error's command args.
    logger.fatal({ err: error }, 'worker failed to start')
  }
  process.exit(1)
})
running = worker

closeWithGrace({ delay: CLOSE_GRACE_MS }, async ({ signal, err }) => {
  if (err) logger.error({ err }, 'closing after an uncaught error')
  else logger.info({ signal }, 'closing')
  await worker.close()
  // Last, so /health answers 503 while the worker drains.
  await server?.close()
})
