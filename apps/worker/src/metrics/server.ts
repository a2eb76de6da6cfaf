import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Registry } from 'prom-client'
import type { WorkerHealth } from '../health'
import type { Logger } from '../logger'

export interface MetricsServer {
  /** `http://<host>:<port>`, with the port picked when 0 was asked for. */
  readonly url: string
  close(): Promise<void>
}

export interface MetricsSource {
  registry: Registry
  health(): WorkerHealth
}

/**
 * The worker's own small HTTP listener: `GET /metrics` (Prometheus text) and `GET /health`
 * (JSON, 200 when healthy, 503 otherwise, for container healthchecks and orchestrators). Nothing
 * else; it takes no input, so node:http is all it needs.
 */
export async function serveMetrics(
  source: MetricsSource,
  options: { host: string; port: number; logger: Logger },
): Promise<MetricsServer> {
  const server = createServer((request, response) => {
    answer(source, request, response).catch((error: unknown) => {
      options.logger.error({ err: error, path: request.url }, 'metrics request failed')
      if (!response.headersSent) send(response, 500, 'application/json', errorBody(500))
      else response.destroy()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { address, port } = server.address() as AddressInfo
  const host = address.includes(':') ? `[${address}]` : address
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        // A scraper's keep-alive connection would hold close() open until it times out.
        server.closeIdleConnections()
      }),
  }
}

async function answer(source: MetricsSource, request: IncomingMessage, response: ServerResponse) {
  const path = new URL(request.url ?? '/', 'http://worker').pathname
  if (path !== '/metrics' && path !== '/health') {
    return send(response, 404, 'application/json', errorBody(404))
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('allow', 'GET, HEAD')
    return send(response, 405, 'application/json', errorBody(405))
  }
  const head = request.method === 'HEAD'
  if (path === '/health') {
    const health = source.health()
    return send(response, health.status === 'ok' ? 200 : 503, 'application/json', health, head)
  }
  const text = await source.registry.metrics()
  send(response, 200, source.registry.contentType, text, head)
}

function errorBody(statusCode: 404 | 405 | 500) {
  const error = { 404: 'Not Found', 405: 'Method Not Allowed', 500: 'Internal Server Error' }
  return { statusCode, error: error[statusCode] }
}

function send(
  response: ServerResponse,
  status: number,
  type: string,
  body: string | object,
  headOnly = false,
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  response.writeHead(status, {
    'content-type': type === 'application/json' ? 'application/json; charset=utf-8' : type,
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  })
  response.end(headOnly ? undefined : text)
}
