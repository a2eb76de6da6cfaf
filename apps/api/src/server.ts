import closeWithGrace from 'close-with-grace'
import { pino } from 'pino'
import { buildApp } from './app'
import { loadConfig } from './config'
import { loggerOptions } from './logger'
import { createApiClients, whenReady } from './redis-clients'

/** Start-up waits this long for Redis; after that the API starts anyway and answers 503 until it is back. */
const STARTUP_REDIS_WAIT_MS = 3000

async function main(): Promise<void> {
  const config = loadConfig()
  const logger = pino(loggerOptions(config.logLevel))
  const { cacheRedis, queueRedis } = createApiClients(config, logger)
  const ready = await Promise.all([
    whenReady(cacheRedis, STARTUP_REDIS_WAIT_MS),
    whenReady(queueRedis, STARTUP_REDIS_WAIT_MS),
  ])
  if (ready.includes(false)) {
    logger.warn('Redis is not answering yet; reads answer 503 BACKEND_UNAVAILABLE until it does')
  }

  const app = await buildApp({ config, cacheRedis, queueRedis, logger })
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'closing after an error')
    else app.log.info({ signal }, 'closing')
    await app.close()
  })

  const address = await app.listen({ host: config.host, port: config.port })
  app.log.info(`marketcache API listening on ${address} (docs at ${address}/docs)`)
}

main().catch((error: unknown) => {
  // Most likely a ConfigError: its message names the variable.
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
