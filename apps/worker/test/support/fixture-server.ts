import { existsSync, readFileSync } from 'node:fs'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'

const FIXTURES = new URL('../fixtures/coingecko/', import.meta.url)

export function fixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8')
}

/** A canned answer: a fixture file or a literal body. */
export interface CannedAnswer {
  status: number
  file?: string
  body?: string
  headers?: Record<string, string>
  /** Wait before answering, to exercise client timeouts. */
  delayMs?: number
}

export interface FixtureServer {
  baseUrl: string
  /** Every request received, in order. */
  requests: { path: string; headers: IncomingHttpHeaders }[]
  /** Answers the next calls with these, in order, before falling back to the fixtures. */
  answerNext(...answers: CannedAnswer[]): void
  /** Forgets the requests and any canned answer not yet given, between tests. */
  reset(): Promise<void>
  close(): Promise<void>
}

/**
 * Serves the recorded-shape fixtures the way CoinGecko would: `/coins/{id}` from `coin-<id>.json`
 * (else CoinGecko's 404 body), `/coins/markets` from `markets.json` filtered by `ids` and cut to
 * `per_page`. Another provider's fixtures pass their own `route` (the URL path as received).
 */
export async function startFixtureServer(
  options: { route?: (url: URL) => CannedAnswer } = {},
): Promise<FixtureServer> {
  const requests: FixtureServer['requests'] = []
  const queued: CannedAnswer[] = []

  const route = (url: URL): CannedAnswer => {
    const path = url.pathname.replace(/^\/api\/v3/, '')
    if (path === '/coins/markets') {
      const ids = url.searchParams.get('ids')?.split(',').filter(Boolean)
      const perPage = Number(url.searchParams.get('per_page') ?? 100)
      const rows = (JSON.parse(fixture('markets.json')) as { id: string }[])
        .filter((row) => !ids || ids.includes(row.id))
        .slice(0, perPage)
      return { status: 200, body: JSON.stringify(rows) }
    }
    const coin = /^\/coins\/([^/]+)$/.exec(path)?.[1]
    if (coin && existsSync(new URL(`coin-${coin}.json`, FIXTURES))) {
      return { status: 200, file: `coin-${coin}.json` }
    }
    // `/coins/{id}/ohlc` from `ohlc-<id>.json`, recorded with days=1 (30-minute candles).
    const ohlc = /^\/coins\/([^/]+)\/ohlc$/.exec(path)?.[1]
    if (ohlc && existsSync(new URL(`ohlc-${ohlc}.json`, FIXTURES))) {
      return { status: 200, file: `ohlc-${ohlc}.json` }
    }
    return { status: 404, file: 'not-found.json' }
  }

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://fixtures')
    requests.push({ path: `${url.pathname}${url.search}`, headers: request.headers })
    const answer = queued.shift() ?? (options.route ?? route)(url)
    const send = () => {
      const body = answer.body ?? (answer.file ? fixture(answer.file) : '')
      const html = answer.file?.endsWith('.html')
      response.writeHead(answer.status, {
        'content-type': html ? 'text/html; charset=UTF-8' : 'application/json; charset=utf-8',
        ...answer.headers,
      })
      response.end(body)
    }
    if (answer.delayMs) {
      sleep(answer.delayMs).then(send, send)
    } else {
      send()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${port}/api/v3`,
    requests,
    answerNext: (...answers) => queued.push(...answers),
    reset: async () => {
      requests.length = 0
      queued.length = 0
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
