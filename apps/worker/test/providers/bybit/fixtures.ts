import { readFileSync } from 'node:fs'
import {
  type CannedAnswer,
  type FixtureServer,
  startFixtureServer,
} from '../../support/fixture-server'

const FIXTURES = new URL('../../fixtures/bybit/', import.meta.url)

export function bybitFixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8')
}

interface Envelope {
  retCode: number
  retMsg: string
  result: { list: unknown[]; nextPageCursor?: string } & Record<string, unknown>
  retExtInfo: object
  time: number
}

export function bybitEnvelope(name: string): Envelope {
  return JSON.parse(bybitFixture(name)) as Envelope
}

const json = (body: unknown): CannedAnswer => ({ status: 200, body: JSON.stringify(body) })
/** An HTTP 200 carrying a fixture file's envelope (Bybit reports most failures this way). */
const envelopeFile = (name: string): CannedAnswer => ({ status: 200, body: bybitFixture(name) })
const paramsError = () => envelopeFile('params-error.json')

/**
 * Bybit cursors arrive URL-encoded (`5%2C5` is offset 5, page size 5), as the real API sends them;
 * a client that encodes them again asks for `5%252C5` and this route answers 10001.
 */
function instrumentsPage(url: URL): CannedAnswer {
  const all = bybitEnvelope('instruments-option-btc.json')
  if (url.searchParams.get('baseCoin') !== 'BTC') {
    return json({ ...all, result: { category: 'option', nextPageCursor: '', list: [] } })
  }
  const limit = Math.min(1000, Number(url.searchParams.get('limit') ?? 500))
  const cursor = url.searchParams.get('cursor')
  const offset = cursor ? Number(cursor.split(',')[0]) : 0
  if (!Number.isInteger(offset)) return paramsError()
  const list = all.result.list.slice(offset, offset + limit)
  const next = offset + limit < all.result.list.length ? `${offset + limit}%2C${limit}` : ''
  return json({ ...all, result: { category: 'option', nextPageCursor: next, list } })
}

function tickers(url: URL): CannedAnswer {
  if (url.searchParams.get('category') === 'option') {
    return url.searchParams.get('baseCoin') === 'BTC'
      ? json(bybitEnvelope('tickers-option-btc.json'))
      : paramsError()
  }
  const all = bybitEnvelope('tickers-spot.json')
  const symbol = url.searchParams.get('symbol')
  if (symbol === null) return json(all)
  const list = all.result.list.filter((row) => (row as { symbol: string }).symbol === symbol)
  return list.length === 0 ? paramsError() : json({ ...all, result: { ...all.result, list } })
}

/** Serves the recorded-shape fixtures the way Bybit V5's market endpoints would. */
export function bybitRoute(url: URL): CannedAnswer {
  switch (url.pathname) {
    case '/v5/market/instruments-info':
      return instrumentsPage(url)
    case '/v5/market/tickers':
      return tickers(url)
    case '/v5/market/option-base-coins':
      return json(bybitEnvelope('option-base-coins.json'))
    case '/v5/market/kline':
      return url.searchParams.get('symbol') === 'BTCUSDT'
        ? json(bybitEnvelope('kline-btcusdt.json'))
        : paramsError()
    default:
      return { status: 404, body: 'Not Found', headers: { 'content-type': 'text/plain' } }
  }
}

export interface BybitFixtures extends FixtureServer {
  /** BYBIT_BASE_URL: V5 lives at the root. */
  origin: string
  /** Every request with its arrival time, canned failures included. */
  calls: { at: number; path: string }[]
  /** Answers the next calls with these, in order, before the fixtures. */
  failNext(...answers: CannedAnswer[]): void
}

/** The shared fixture server, routing like Bybit and timing every call. */
export async function startBybitFixtures(): Promise<BybitFixtures> {
  const calls: BybitFixtures['calls'] = []
  const pending: CannedAnswer[] = []
  const server = await startFixtureServer({
    route: (url) => {
      calls.push({ at: Date.now(), path: `${url.pathname}${url.search}` })
      return pending.shift() ?? bybitRoute(url)
    },
  })
  const resetServer = server.reset
  return Object.assign(server, {
    origin: new URL(server.baseUrl).origin,
    calls,
    failNext: (...answers: CannedAnswer[]) => {
      pending.push(...answers)
    },
    reset: async () => {
      calls.length = 0
      pending.length = 0
      await resetServer()
    },
  })
}

/** Canned failures in Bybit's own shapes. */
export const BybitFailure = {
  tooManyVisits: (resetAt?: number): CannedAnswer => ({
    ...envelopeFile('too-many-visits.json'),
    headers: {
      'x-bapi-limit': '20',
      'x-bapi-limit-status': '0',
      ...(resetAt === undefined ? {} : { 'x-bapi-limit-reset-timestamp': String(resetAt) }),
    },
  }),
  ipBan: (): CannedAnswer => ({
    status: 403,
    body: bybitFixture('access-too-frequent.html'),
    headers: { 'content-type': 'text/html' },
  }),
  serverError: () => envelopeFile('server-error.json'),
  requestTimeout: () => envelopeFile('request-timeout.json'),
  paramsError,
} as const
