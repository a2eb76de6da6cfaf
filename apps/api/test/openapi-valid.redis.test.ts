import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import SwaggerParser from '@apidevtools/swagger-parser'
import { createConfig, lint, type NormalizedProblem } from '@redocly/openapi-core'
import { describe, expect, it } from 'vitest'
import { type TestApp, useTestApp } from './fixtures/test-app'

// biome-ignore lint/suspicious/noExplicitAny: an OpenAPI document, inspected loosely
type Document = any
type Operation = { operationId?: string; security?: Record<string, string[]>[]; responses: object }

/** The document as clients get it. */
async function documentOf(t: TestApp): Promise<Document> {
  return (await t.app.inject('/docs/json')).json()
}

/** `@redocly/cli lint` with the recommended ruleset, on the document written to a temp file. */
async function redoclyProblems(document: Document): Promise<NormalizedProblem[]> {
  const dir = await mkdtemp(join(tmpdir(), 'marketcache-openapi-'))
  try {
    const file = join(dir, 'openapi.json')
    await writeFile(file, JSON.stringify(document))
    return await lint({ ref: file, config: await createConfig({ extends: ['recommended'] }) })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

const where = (p: NormalizedProblem) => `${p.ruleId} at ${p.location[0]?.pointer ?? '?'}`
/** One line per problem, so a failing assertion prints what to fix and where. */
const lines = (problems: NormalizedProblem[]) =>
  problems.map((p) => `${where(p)}: ${p.message}`).sort()

/** swagger-parser's validation errors (it dereferences in place, hence the clone), one a line. */
async function swaggerParserErrors(document: Document): Promise<string[]> {
  try {
    await SwaggerParser.validate(structuredClone(document))
    return []
  } catch (error) {
    return String((error as Error).message).split('\n')
  }
}

/**
 * The only warnings of the recommended ruleset allowed, each for a reason; any other fails.
 * - info-license: the project has not chosen a licence; the document does not invent one.
 * - operation-4xx-response: the probes (health, and an open /metrics) have no client error.
 * - no-unused-components: CollarSet is the collar dataset's stored value, listed with every
 *   dataset's; its route answers the CollarResponse view of it.
 */
const ACCEPTED_WARNINGS = [
  'info-license at #/info',
  'no-unused-components at #/components/schemas/CollarSet',
  'operation-4xx-response at #/paths/~1health/get/responses',
  'operation-4xx-response at #/paths/~1health~1ready/get/responses',
  'operation-4xx-response at #/paths/~1metrics/get/responses',
]

async function expectValid(document: Document): Promise<void> {
  const problems = await redoclyProblems(document)
  expect(lines(problems.filter((p) => p.severity === 'error'))).toEqual([])
  const unexpected = problems.filter(
    (p) => p.severity === 'warn' && !ACCEPTED_WARNINGS.includes(where(p)),
  )
  expect(lines(unexpected)).toEqual([])
  expect(await swaggerParserErrors(document)).toEqual([])
}

const operations = (document: Document): [string, Operation][] =>
  Object.entries(document.paths as Record<string, Record<string, Operation>>).flatMap(
    ([path, item]) =>
      Object.entries(item).map(([method, op]): [string, Operation] => [
        `${method.toUpperCase()} ${path}`,
        op,
      ]),
  )

/** Clients generate method names from these: renaming one breaks them, so they are pinned. */
const OPERATION_IDS: Record<string, string> = {
  'GET /v1/coins/{id}': 'getCoin',
  'GET /v1/coins/{id}/tokenomics': 'getCoinTokenomics',
  'GET /v1/coins': 'getCoins',
  'GET /v1/spot/{exchange}': 'getSpots',
  'GET /v1/spot/{exchange}/{symbol}': 'getSpot',
  'GET /v1/quotes/{exchange}/{conid}': 'getQuote',
  'GET /v1/instruments/{exchange}/{underlying}': 'getInstruments',
  'GET /v1/options/{exchange}/{underlying}/chain': 'getOptionChain',
  'GET /v1/options/{exchange}/{underlying}/summary': 'getOptionsSummary',
  'GET /v1/ohlcv/{exchange}/{symbol}': 'getOhlcv',
  'GET /v1/market-status/{market}': 'getMarketStatus',
  'GET /v1/catalogs/{name}': 'getCatalog',
  'GET /v1/crypto-collar': 'getCryptoCollars',
  'GET /v1/backtests': 'getBacktest',
  'POST /v1/backtests/batch': 'startBacktestBatch',
  'GET /v1/backtests/batch/{id}': 'getBacktestBatch',
  'POST /v1/update-cache': 'updateCache',
  'GET /v1/signals/{id}': 'getSignal',
  'GET /v1/signals': 'listSignals',
  'GET /v1/analytics/{name}': 'getAnalytics',
  'GET /v1/stream': 'streamEntries',
  'POST /v1/push/signal': 'pushSignal',
  'POST /v1/push/analytics': 'pushAnalytics',
  'POST /v1/cache/invalidate': 'invalidateCache',
  'GET /metrics': 'getMetrics',
  'GET /v1/jobs/{id}': 'getJob',
  'GET /v1/cache/stats': 'getCacheStats',
  'GET /health': 'getLiveness',
  'GET /health/ready': 'getReadiness',
  'GET /health/detailed': 'getDetailedHealth',
}

const WRITE_KEY = [{ bearerAuth: ['write'] }, { apiKeyHeader: ['write'] }]
/** Commands and the scope each needs, as `auth.require` checks it. */
const COMMAND_SECURITY: Record<string, unknown> = {
  'POST /v1/update-cache': WRITE_KEY,
  'POST /v1/backtests/batch': WRITE_KEY,
  'POST /v1/push/signal': WRITE_KEY,
  'POST /v1/push/analytics': WRITE_KEY,
  'POST /v1/cache/invalidate': [{ bearerAuth: ['admin'] }, { apiKeyHeader: ['admin'] }],
  'GET /health/detailed': [{ bearerAuth: ['admin'] }, { apiKeyHeader: ['admin'] }],
}

/** Reads of pushed datasets: nothing can be fetched (no `fresh=true`), so no key is ever asked. */
const OPEN_READS = new Set(['GET /v1/signals/{id}', 'GET /v1/signals', 'GET /v1/analytics/{name}'])

describe('the OpenAPI document, by strict validators', () => {
  const t = useTestApp({}, { beforeEach: 'nothing' })

  it('has no redocly errors, only the accepted warnings, and passes swagger-parser', async () => {
    await expectValid(await documentOf(t))
  })

  it('is OpenAPI 3.1 with one server, the relative root by default', async () => {
    const document = await documentOf(t)
    expect(document.openapi).toBe('3.1.0')
    expect(document.servers).toEqual([{ url: '/', description: 'This API' }])
  })

  it('gives every operation its pinned, unique camelCase operationId', async () => {
    const ids = Object.fromEntries(
      operations(await documentOf(t)).map(([name, op]) => [name, op.operationId]),
    )
    expect(ids).toEqual(OPERATION_IDS)
    const values = Object.values(ids)
    expect(new Set(values).size).toBe(values.length)
    for (const id of values) expect(id).toMatch(/^[a-z][a-zA-Z0-9]*$/)
  })

  it('declares security on every operation: a scoped key on commands, optional on reads', async () => {
    for (const [name, op] of operations(await documentOf(t))) {
      const status = Object.keys(op.responses)
      if (name in COMMAND_SECURITY) expect(op.security, name).toEqual(COMMAND_SECURITY[name])
      else if (status.includes('304') && !OPEN_READS.has(name)) {
        expect(op.security, name).toEqual([{}, ...WRITE_KEY])
      } else expect(op.security, name).toEqual([])
      // A key that may be asked for may be missing or short of its scope.
      if (op.security?.some((requirement) => Object.keys(requirement).length > 0)) {
        expect(status, name).toEqual(expect.arrayContaining(['401', '403']))
      }
      // Every route but the probes is rate limited (UNLIMITED_ROUTES in src/rate-limits.ts).
      if (!/^GET \/(health|metrics)\b/.test(name)) expect(status, name).toContain('429')
    }
  })
})

describe('the OpenAPI document of an API at a public URL, fresh reads open to all', () => {
  const t = useTestApp(
    { API_PUBLIC_URL: 'https://data.marketcache.test/gateway', FRESH_REQUIRES_KEY: 'false' },
    { beforeEach: 'nothing' },
  )

  it('lists that URL, keeps the paths as routed, and is still valid', async () => {
    const document = await documentOf(t)
    expect(document.servers).toEqual([
      { url: 'https://data.marketcache.test/gateway', description: 'This API' },
    ])
    expect(document.paths['/v1/coins/{id}']).toBeDefined()
    await expectValid(document)
  })

  it('documents reads with no key and no 401 or 403', async () => {
    const read = (await documentOf(t)).paths['/v1/coins/{id}'].get
    expect(read.security).toEqual([])
    expect(Object.keys(read.responses)).not.toContain('401')
    expect(Object.keys(read.responses)).not.toContain('403')
  })
})
