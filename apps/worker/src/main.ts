import { ConfigError } from '@marketcache/shared/env'
import { QueueRedisEvictsError } from '@marketcache/shared/queue-redis'
import closeWithGrace from 'close-with-grace'
import { loadConfig, type WorkerConfig } from './config'
import { createLogger } from './logger'
import { startWorker } from './start-worker'

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

const config = configOrExit()
const logger = createLogger(config.logLevel)
const worker = await startWorker(config, { logger }).catch((error: unknown) => {
  // An evicting queue Redis is an operator's setting: say which and how to fix it, then stop.
  if (error instanceof QueueRedisEvictsError) {
    logger.fatal({ code: error.code, policy: error.policy }, error.message)
  } else {
    // Through the logger, not Node's crash print: that would show a Redis error's command args.
    logger.fatal({ err: error }, 'worker failed to start')
  }
  process.exit(1)
})

closeWithGrace({ delay: CLOSE_GRACE_MS }, async ({ signal, err }) => {
  if (err) logger.error({ err }, 'closing after an uncaught error')
  else logger.info({ signal }, 'closing')
  await worker.close()
})
