import { readFileSync } from 'node:fs'
import {
  type MetricFamily,
  parsePrometheusText,
  sampleValue,
} from '@marketcache/devkit/prometheus-text'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually, type Stack, startStack } from './support/stack'

interface Panel {
  title: string
  type: string
  targets?: { expr: string }[]
}

const dashboard = JSON.parse(
  readFileSync(new URL('../../../docs/grafana/marketcache.json', import.meta.url), 'utf8'),
) as { panels: Panel[] }

/** Every PromQL expression of the dashboard, by panel. */
const queries = dashboard.panels.flatMap((panel) =>
  (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })),
)

/** The metric names a query reads: a histogram's `_bucket`, `_sum` and `_count` are its own. */
function metricsIn(expr: string, histograms: ReadonlySet<string>): string[] {
  return [...expr.matchAll(/\bmarketcache_[a-z0-9_]+/g)].map(([name]) => {
    const base = name.replace(/_(bucket|sum|count)$/, '')
    return histograms.has(base) ? base : name
  })
}

/** Default process metrics both apps export alike; the dashboard need not show each. */
const isProcessMetric = (name: string) => /^marketcache_(process|nodejs)_/.test(name)

describe('metrics across the stack', () => {
  let stack: Stack
  const scrape = async (base: string): Promise<MetricFamily[]> => {
    const response = await fetch(`${base}/metrics`)
    expect(response.status).toBe(200)
    return parsePrometheusText(await response.text())
  }
  beforeAll(async () => {
    stack = await startStack()
  })
  afterAll(() => stack.close())

  it('a cold read moves the counters of both apps, a warm one only the API', async () => {
    expect((await stack.get('/v1/coins/bitcoin')).headers.get('x-cache-status')).toBe('MISS')
    expect((await stack.get('/v1/coins/bitcoin')).headers.get('x-cache-status')).toBe('HIT')

    const api = await scrape(stack.api)
    const coin = { dataset: 'coin' }
    expect(sampleValue(api, 'marketcache_reads_total', { ...coin, outcome: 'MISS' })).toBe(1)
    expect(sampleValue(api, 'marketcache_reads_total', { ...coin, outcome: 'HIT' })).toBe(1)
    expect(sampleValue(api, 'marketcache_data_age_seconds_count', coin)).toBe(2)
    const worker = await eventually(async () => {
      const families = await scrape(stack.worker)
      const completed = { queue: 'coingecko', name: 'coingecko.coin', result: 'completed' }
      return sampleValue(families, 'marketcache_jobs_total', completed) === 1 ? families : undefined
    })
    const calls = sampleValue(worker, 'marketcache_provider_calls_total', {
      provider: 'coingecko',
      endpoint: '/coins/{id}',
      status: '200',
    })
    expect(calls).toBe((await stack.simStats()).byCoin.bitcoin)
    expect(calls).toBe(1)
    expect(sampleValue(worker, 'marketcache_entries_written_total', coin)).toBe(1)
    expect((await fetch(`${stack.worker}/health`)).status).toBe(200)
  })

  it('the Grafana dashboard queries exactly the metrics the two apps export', async () => {
    const families = [...(await scrape(stack.api)), ...(await scrape(stack.worker))]
    const exported = new Set(families.map((family) => family.name))
    const histograms = new Set(
      families.filter((family) => family.type === 'histogram').map((family) => family.name),
    )
    expect(queries.length).toBeGreaterThan(10)
    const queried = new Set<string>()
    for (const { panel, expr } of queries) {
      const names = metricsIn(expr, histograms)
      expect(names.length, `${panel}: ${expr}`).toBeGreaterThan(0)
      for (const name of names) {
        expect(exported.has(name), `${panel} queries ${name}, which neither app exports`).toBe(true)
        queried.add(name)
      }
    }
    const shown = [...exported].filter((name) => !isProcessMetric(name) && !queried.has(name))
    expect(shown, 'metrics the dashboard does not show').toEqual([])
  })
})
