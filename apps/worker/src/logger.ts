import { safeSerializedError } from '@marketcache/shared/log-safety'
import { type DestinationStream, type Logger, pino } from 'pino'

export type { Logger } from 'pino'

/** The levels `LOG_LEVEL` accepts. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

/**
 * Provider keys must never reach log storage, whichever object carries them: the config logged
 * at start, or request headers logged around a provider call.
 */
export const REDACT_PATHS = [
  'apiKey',
  '*.apiKey',
  'config.*.apiKey',
  'headers["x-cg-demo-api-key"]',
  'headers["x-cg-pro-api-key"]',
  '*.headers["x-cg-demo-api-key"]',
  '*.headers["x-cg-pro-api-key"]',
]

/** @param destination - defaults to stdout; tests pass a stream to inspect what was logged. */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = {
    name: 'worker',
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    // ioredis errors carry the failed command's arguments: for AUTH, the password.
    serializers: {
      err: (error: unknown) => safeSerializedError(pino.stdSerializers.err(error as Error)),
    },
  }
  return destination ? pino(options, destination) : pino(options)
}
