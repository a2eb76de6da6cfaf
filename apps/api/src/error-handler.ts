import { maxHeaderSize, STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import { InvalidParamError } from '@marketcache/shared/errors'
import type {
  ConnectionError,
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
} from 'fastify'
import { ApiError, errorBody } from './errors'

/** Route-level hint for the message of a body that matches none of the accepted shapes. */
declare module 'fastify' {
  interface FastifyContextConfig {
    bodyShapes?: string
  }
}

/** Fastify's own failures, by their `code`, mapped onto ours. */
const FASTIFY_CODES: Readonly<Record<string, () => ApiError>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: () =>
    new ApiError('INVALID_BODY', 'the request body is not valid JSON'),
  FST_ERR_CTP_EMPTY_JSON_BODY: () =>
    new ApiError('INVALID_BODY', 'the request body is empty; send a JSON object'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () =>
    new ApiError('INVALID_BODY', 'the Content-Length does not match the body'),
  FST_ERR_CTP_BODY_TOO_LARGE: () =>
    new ApiError('PAYLOAD_TOO_LARGE', 'the request body exceeds the size limit'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () =>
    new ApiError('UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json'),
}

function validationError(error: FastifyError, request: FastifyRequest): ApiError {
  const first = error.validation?.[0]
  const path = first?.instancePath.replace(/^\//, '').replaceAll('/', '.') ?? ''
  if (error.validationContext === 'body') {
    const shapes = request.routeOptions.config.bodyShapes
    const message =
      shapes && (path === '' || first?.message === 'Expected union value')
        ? `the body must be exactly one of ${shapes}`
        : `body${path ? `.${path}` : ''}: ${first?.message ?? 'invalid'}`
    return new ApiError('INVALID_BODY', message)
  }
  const part = error.validationContext === 'params' ? 'path parameter' : 'query parameter'
  return new ApiError(
    'INVALID_PARAMS',
    path ? `${part} ${path}: ${first?.message ?? 'invalid'}` : `invalid ${part}s`,
  )
}

/** Anything thrown or rejected on the request path, as an ApiError the client may see. */
export function toApiError(error: FastifyError | Error, request: FastifyRequest): ApiError | null {
  if (error instanceof ApiError) return error
  if (error instanceof InvalidParamError) return new ApiError('INVALID_PARAMS', error.message)
  const fastifyError = error as FastifyError
  if (fastifyError.validation) return validationError(fastifyError, request)
  const mapped = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined
  if (mapped) return mapped()
  if (fastifyError.statusCode === 400 && error instanceof SyntaxError) {
    return new ApiError('INVALID_BODY', 'the request body is not valid JSON')
  }
  return null
}

/** A body read that failed because the client aborted (Node's 'aborted', ECONNRESET). */
function clientAborted(error: FastifyError | Error, request: FastifyRequest): boolean {
  const code = (error as { code?: unknown }).code
  return (code === 'ECONNRESET' || error.message === 'aborted') && request.raw.destroyed
}

export function sendError(reply: FastifyReply, error: ApiError): FastifyReply {
  for (const [name, value] of Object.entries(error.extra.headers ?? {})) reply.header(name, value)
  return reply
    .code(error.statusCode)
    .header('cache-control', 'no-store')
    .type('application/json; charset=utf-8')
    .send(errorBody(error))
}

/** Failures before routing, by Fastify's `code`: the client's URL, not our bug. */
const ROUTING_CODES: Readonly<Record<string, () => ApiError>> = {
  FST_ERR_BAD_URL: () =>
    new ApiError('INVALID_PARAMS', 'the URL is not valid: check its percent-encoding'),
  // The router gives up on a segment past `maxParamLength` before any route (or schema) runs.
  FST_ERR_MAX_PARAM_LENGTH: () =>
    new ApiError('INVALID_PARAMS', 'a path segment is too long for any route'),
}

/**
 * Fastify's `frameworkErrors` option: failures before routing (a URL that does not decode, a
 * path segment past the router's limit) get the one error shape too.
 */
export function frameworkErrors(
  error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
): void {
  const mapped = error.code ? ROUTING_CODES[error.code] : undefined
  sendError(reply, mapped ? mapped() : new ApiError('INTERNAL', 'an unexpected error occurred'))
}

/** What Node's HTTP parser refuses, by its `code`; anything else it refuses is malformed. */
const CONNECTION_CODES: Readonly<Record<string, () => ApiError>> = {
  HPE_HEADER_OVERFLOW: () =>
    new ApiError(
      'HEADERS_TOO_LARGE',
      `the request's headers exceed ${Math.floor(maxHeaderSize / 1024)} KiB; send fewer or shorter ones`,
    ),
  ERR_HTTP_REQUEST_TIMEOUT: () =>
    new ApiError('REQUEST_TIMEOUT', 'the request headers did not arrive in time'),
}

/**
 * Fastify's `clientErrorHandler`: a request Node's parser refuses before Fastify sees it (headers
 * past the size limit, a broken request line, headers that never finish) gets the one error
 * shape too, and the connection is closed, as Node and Fastify do by default.
 */
export function clientError(this: FastifyInstance, error: ConnectionError, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const mapped = error.code ? CONNECTION_CODES[error.code] : undefined
  const apiError = mapped
    ? mapped()
    : new ApiError('MALFORMED_REQUEST', 'the request is not valid HTTP/1.1')
  this.log.debug({ err: error }, 'client error')
  const body = JSON.stringify(errorBody(apiError))
  const status = `${apiError.statusCode} ${STATUS_CODES[apiError.statusCode]}`
  // The headers `sendError` gives every error, written by hand: there is no reply to send with.
  const headers = [
    'Cache-Control: no-store',
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
  ]
  if (socket.writable) socket.write(`HTTP/1.1 ${status}\r\n${headers.join('\r\n')}\r\n\r\n${body}`)
  socket.destroy(error)
}

const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const

/**
 * One error shape everywhere: installs the error handler and the 404/405 handler. Call before
 * routes are registered (the route table feeds the 405 check).
 */
export function installErrorHandling(app: FastifyInstance): void {
  const routes: { pattern: RegExp; method: string }[] = []
  app.addHook('onRoute', (route) => {
    const source = route.url
      .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      .replace(/:[A-Za-z0-9_]+/g, '[^/]+')
    for (const method of [route.method].flat())
      routes.push({ pattern: new RegExp(`^${source}/?$`), method })
  })

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const apiError = toApiError(error, request)
    if (apiError) {
      // The connection watcher already logs the outage once; per request it would be a flood.
      if (apiError.code === 'BACKEND_UNAVAILABLE') {
        request.log.debug({ err: apiError.cause ?? apiError }, 'backend unavailable')
      }
      return sendError(reply, apiError)
    }
    if (clientAborted(error, request)) {
      // The client hung up mid-body: its doing, not ours; the answer reaches it only if it still reads.
      request.log.info({ err: error.message }, 'client closed the request before its body arrived')
      return sendError(
        reply,
        new ApiError('INVALID_BODY', 'the request body ended before its Content-Length'),
      )
    }
    request.log.error({ err: error }, 'unexpected error')
    return sendError(reply, new ApiError('INTERNAL', 'an unexpected error occurred'))
  })

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? ''
    const allowed = routes
      .filter((route) => route.pattern.test(path) && ALL_METHODS.includes(route.method as never))
      .map((route) => route.method)
    if (allowed.length > 0 && !allowed.includes(request.method)) {
      reply.header('allow', [...new Set(allowed)].join(', '))
      return sendError(
        reply,
        new ApiError(
          'METHOD_NOT_ALLOWED',
          `${request.method} is not allowed here; use ${allowed.join(' or ')}`,
        ),
      )
    }
    return sendError(
      reply,
      new ApiError('ROUTE_NOT_FOUND', `no route for ${request.method} ${path}`),
    )
  })
}
