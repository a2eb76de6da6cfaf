import { safeSerializedError } from '@marketcache/shared/log-safety'
import { Type } from '@sinclair/typebox'
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify'
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
): (response: SentResponse, log: FastifyBaseLogger) => void {
  let hits = 0
  return (response, log) => {
    const { cache, layer } = response
    if (cache === 'HIT' && response.status < 400) {
      if (hitSample === 0 || ++hits % hitSample !== 0) return
    }
    log.info(
      {
        method: response.method,
        url: response.url,
        status: response.status,
        ms: Math.round(response.ms * 100) / 100,
        ...(cache === undefined ? {} : { cache, layer }),
        ...(cache === 'HIT' ? { sampled: hitSample } : {}),
      },
      'response',
    )
  }
}

/** A response once sent, as the access log and the request metrics see it. */
export interface SentResponse {
  method: string
  url: string
  status: number
  ms: number
  /** `X-Cache-Status` and `X-Cache-Layer`, on a data response. */
  cache?: string | undefined
  layer?: string | undefined
}

/** What Fastify knows of a sent response, as a SentResponse. */
export function sentResponse(request: FastifyRequest, reply: FastifyReply): SentResponse {
  const cache = reply.getHeader('x-cache-status')
  return {
    method: request.method,
    url: request.url,
    status: reply.statusCode,
    ms: reply.elapsedTime,
    ...(typeof cache === 'string'
      ? { cache, layer: reply.getHeader('x-cache-layer') as string | undefined }
      : {}),
  }
}
