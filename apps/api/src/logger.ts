import { safeSerializedError } from '@marketcache/shared/log-safety'
import { type LoggerOptions, pino } from 'pino'

/**
 * Pino options for the API's logger, whoever builds it (`server.ts`, or `buildApp` without an
 * injected logger). API keys never reach a log line: Fastify's request serializer logs no headers,
 * and ioredis errors lose the failed command's arguments (for AUTH, the password).
 */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    serializers: {
      err: (error: unknown) => safeSerializedError(pino.stdSerializers.err(error as Error)),
    },
  }
}
