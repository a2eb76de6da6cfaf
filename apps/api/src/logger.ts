import { safeSerializedError } from '@marketcache/shared/log-safety'
import { Type } from '@sinclair/typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
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

/**
 * The access log: one line per response once it is sent (Fastify's own two lines per request are
 * off), with what a reader of the log asks first: route, status, time, and where a read was
 * answered from. Hits (and their 304s) are the bulk of the traffic and alike, so one in
 * `hitSample` is logged, marked with the rate; misses, stale answers and errors are all logged.
 */
export function accessLog(
  hitSample: number,
): (request: FastifyRequest, reply: FastifyReply) => void {
  let hits = 0
  return (request, reply) => {
    const cache = reply.getHeader('x-cache-status')
    if (cache === 'HIT' && reply.statusCode < 400) {
      if (hitSample === 0 || ++hits % hitSample !== 0) return
    }
    request.log.info(
      {
        method: request.method,
        url: request.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 100) / 100,
        ...(cache === undefined ? {} : { cache, layer: reply.getHeader('x-cache-layer') }),
        ...(cache === 'HIT' ? { sampled: hitSample } : {}),
      },
      'response',
    )
  }
}
