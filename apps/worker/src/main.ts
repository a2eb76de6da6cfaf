import { ConfigError } from '@marketcache/shared/env'
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
const worker = await startWorker(config, { logger })

closeWithGrace({ delay: CLOSE_GRACE_MS }, async ({ signal, err }) => {
  if (err) logger.error({ err }, 'closing after an uncaught error')
  else logger.info({ signal }, 'closing')
  await worker.close()
})
