import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Handler } from './fast-lane'

/** Fastify's server options that `getServerInstance` applies to the HTTP/1 server it makes. */
interface ServerOptions {
  http?: object
  keepAliveTimeout: number
  requestTimeout: number
  connectionTimeout: number
  maxRequestsPerSocket: number
}

/**
 * The HTTP/1 server Fastify would make (its `serverFactory`: the same timeouts), with the fast
 * lane's `serve` in front of Fastify's handler.
 */
export function serverWithFastLane(
  serve: (request: IncomingMessage, response: ServerResponse, next: Handler) => void,
  handler: Handler,
  options: ServerOptions,
): Server {
  const server = createServer(options.http ?? {}, (request, response) => {
    serve(request, response, handler)
  })
  server.keepAliveTimeout = options.keepAliveTimeout
  server.requestTimeout = options.requestTimeout
  server.setTimeout(options.connectionTimeout)
  if (options.maxRequestsPerSocket > 0) server.maxRequestsPerSocket = options.maxRequestsPerSocket
  return server
}
