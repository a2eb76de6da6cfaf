import { existsSync, readFileSync } from 'node:fs'
import { type CannedAnswer, startFixtureServer } from '../../support/fixture-server'

const FIXTURES = new URL('../../fixtures/ibkr/', import.meta.url)

export function ibkrFixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8')
}

const json = (status: number, body: unknown): CannedAnswer => ({
  status,
  body: typeof body === 'string' ? body : JSON.stringify(body),
})

type Row = Record<string, unknown>

/** One IBKR fixture answer by name, for `answerNext`. */
export function ibkrAnswer(status: number, file: string, headers?: Record<string, string>) {
  return { status, body: ibkrFixture(file), ...(headers ? { headers } : {}) }
}

/**
 * Serves the recorded-shape IBKR fixtures the way a Client Portal gateway would:
 * - secdef/search from `search-<symbol>.json`, else `[]`;
 * - secdef/strikes from `strikes-<conid>-<month>.json`;
 * - secdef/info: the rows of `info-<conid>.json` in that month, at that strike and right;
 * - marketdata/snapshot: a conid's first request gets the pre-flight shape (no values); later
 *   ones its row in `snapshot-values.json`, or the pre-flight shape again if it has none;
 * - marketdata/history from `history-<conid>-<bar>.json` (AAPL, `1d` and `1h`: plain-price bars,
 *   priceFactor 100 scaling only the high/low summaries), else a 400.
 */
export function ibkrFixtureRoute(): (url: URL) => CannedAnswer {
  const subscribed = new Set<string>()
  const values = new Map(
    (JSON.parse(ibkrFixture('snapshot-values.json')) as Row[]).map((row) => [
      String(row.conid),
      row,
    ]),
  )
  const preflight = (JSON.parse(ibkrFixture('snapshot-preflight.json')) as Row[])[0] as Row

  return (url) => {
    const path = url.pathname.replace(/^\/v1\/api/, '')
    const q = (name: string) => url.searchParams.get(name) ?? ''
    switch (path) {
      case '/iserver/auth/status':
        return json(200, ibkrFixture('auth-status.json'))
      case '/iserver/secdef/search': {
        const file = `search-${q('symbol').toLowerCase()}.json`
        return json(200, existsSync(new URL(file, FIXTURES)) ? ibkrFixture(file) : [])
      }
      case '/iserver/secdef/strikes': {
        const file = `strikes-${q('conid')}-${q('month').toUpperCase()}.json`
        return existsSync(new URL(file, FIXTURES))
          ? json(200, ibkrFixture(file))
          : json(200, { call: [], put: [] })
      }
      case '/iserver/secdef/info': {
        const file = `info-${q('conid')}.json`
        if (!existsSync(new URL(file, FIXTURES))) return json(200, [])
        const months: Record<string, string> = { DEC28: '202812', JUN29: '202906', DEC29: '202912' }
        const rows = (JSON.parse(ibkrFixture(file)) as Row[]).filter(
          (row) =>
            String(row.maturityDate).startsWith(months[q('month').toUpperCase()] ?? '-') &&
            Number(row.strike) === Number(q('strike')) &&
            row.right === q('right'),
        )
        return json(200, rows)
      }
      case '/iserver/marketdata/snapshot': {
        const rows = q('conids')
          .split(',')
          .filter(Boolean)
          .map((conid) => {
            const first = !subscribed.has(conid)
            subscribed.add(conid)
            const row = values.get(conid)
            return first || row === undefined
              ? { ...preflight, conid: Number(conid), conidEx: conid }
              : row
          })
        return json(200, rows)
      }
      case '/iserver/marketdata/history': {
        const file = `history-${q('conid')}-${q('bar')}.json`
        return existsSync(new URL(file, FIXTURES))
          ? json(200, ibkrFixture(file))
          : json(400, { error: `no contract for conid ${q('conid')}`, statusCode: 400 })
      }
      default:
        return json(404, { error: `no route ${path}` })
    }
  }
}

/** A fixture server answering as the gateway would (`ibkrFixtureRoute`), with its own pre-flight state. */
export function startIbkrFixtures() {
  return startFixtureServer({ route: ibkrFixtureRoute() })
}

/**
 * Worker env for the recorded AAPL chain: its two months, four strikes each, and a horizon past
 * its 2028–2029 expiries; fixtures do not pace.
 */
export const IBKR_FIXTURE_ENV = {
  IBKR_CHAIN_MONTHS: '2',
  IBKR_CHAIN_STRIKES: '4',
  IBKR_CHAIN_MAX_DAYS: '36500',
  IBKR_RATE_MAX: '100',
}
