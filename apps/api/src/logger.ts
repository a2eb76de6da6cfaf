import { safeSerializedError } from '@marketcache/shared/log-safety'
import { Type } from '@sinclair/typebox'
import { type LoggerOptions, pino } from 'pino'

/** pino's levels, `silent` included: the values LOG_LEVEL accepts. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

/** The schema of LOG_LEVEL, for `config.ts`. */
export const logLevelSchema = (fallback: (typeof LOG_LEVELS)[number]) =>
  Type.Union(
    LOG_LEVELS.map((level) => Type.Literal(level)),
    { default: fallback },
  )

/** Where a key would sit in a logged headers or request object. */
const KEY_HEADERS = [
  'headers.authorization',
  'headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
]

/**
 * Pino options for the API's logger, whoever builds it (`server.ts`, or `buildApp` without an
 * injected logger). API keys never reach a log line: Fastify's request serializer logs no headers,
 * the key headers are redacted should a headers object be logged anyway, and ioredis errors lose
 * the failed command's arguments (for AUTH, the password).
 */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: KEY_HEADERS, censor: '[redacted]' },
    serializers: {
      err: (error: unknown) => safeSerializedError(pino.stdSerializers.err(error as Error)),
    },
  }
}
