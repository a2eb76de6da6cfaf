import { buildSimulator } from './app'
import { loadConfig } from './config'
import { ConfigError } from './errors'

/** The only place that listens; everything else builds the app without a socket. */
async function main(): Promise<void> {
  const config = loadConfig()
  const app = await buildSimulator({
    seed: config.seed,
    coins: config.coins,
    latencyMs: config.latencyMs,
    quotaPerWindow: config.quotaPerWindow,
    quotaWindowMs: config.quotaWindowMs,
    tickMs: config.tickMs,
    faults: config.faults,
    bybit: config.bybit,
    ibkr: config.ibkr,
    logger: { level: config.logLevel },
  })

  let closing = false
  const close = (signal: NodeJS.Signals) => {
    // A second Ctrl-C while draining means "stop now".
    if (closing) process.exit(1)
    closing = true
    app.log.info({ signal }, 'closing simulator')
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'error while closing')
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', close)
  process.on('SIGTERM', close)

  await app.listen({ port: config.port, host: config.host })
}

main().catch((error: unknown) => {
  // A bad variable is the operator's mistake: one clear line, no stack trace.
  if (error instanceof ConfigError) {
    process.stderr.write(`simulator: ${error.message}\n`)
  } else {
    process.stderr.write(
      `simulator failed to start: ${String(error instanceof Error ? error.stack : error)}\n`,
    )
  }
  process.exit(1)
})
