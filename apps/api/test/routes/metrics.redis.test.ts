import { parsePrometheusText, sampleValue } from '@marketcache/devkit/prometheus-text'
import { cacheKey } from '@marketcache/shared/dataset'
import { coin } from '@marketcache/shared/datasets/coin'
import { describe, expect, it } from 'vitest'
import { coinData, envelope, writeEntry } from '../fixtures/cache-writer'
import { type TestApp, TestKeys, useTestApp } from '../fixtures/test-app'

/** One scrape of `/metrics`, parsed strictly: a malformed line fails the test. */
async function scrape(t: TestApp) {
  const response = await t.app.inject('/metrics')
  expect(response.statusCode).toBe(200)
  expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8')
  return parsePrometheusText(response.body)
}

describe('GET /metrics', () => {
  const t = useTestApp()
  const coinKey = (id: string) => cacheKey(t.keys, coin, { id })
  const reads = async (labels: Record<string, string>) =>
    sampleValue(await scrape(t), 'marketcache_reads_total', labels)

  it('is Prometheus text, every name prefixed, the process metrics included', async () => {
    const families = await scrape(t)
    const names = families.map((family) => family.name)
    expect(names).toEqual(
      expect.arrayContaining([
        'marketcache_reads_total',
        'marketcache_http_request_duration_seconds',
        'marketcache_data_age_seconds',
        'marketcache_process_cpu_seconds_total',
        'marketcache_nodejs_eventloop_lag_seconds',
      ]),
    )
    expect(names.every((name) => name.startsWith('marketcache_'))).toBe(true)
  })

  it('counts reads by dataset and read decision, a multi-get once per id', async () => {
    await writeEntry(t.redis, t.keys, coinKey('bitcoin'), envelope(coinData('bitcoin')))
    await writeEntry(
      t.redis,
      t.keys,
      coinKey('ethereum'),
      envelope(coinData('ethereum'), { ageMs: 400_000 }),
    )
    await writeEntry(t.redis, t.keys, coinKey('nope'), {
      notFound: true,
      fetchedAt: Date.now(),
      source: 'coingecko',
    })
    const before = {
      hit: await reads({ dataset: 'coin', outcome: 'HIT' }),
      stale: await reads({ dataset: 'coin', outcome: 'STALE' }),
      miss: await reads({ dataset: 'coin', outcome: 'MISS' }),
      notFound: await reads({ dataset: 'coin', outcome: 'NOT_FOUND' }),
    }

    expect((await t.app.inject('/v1/coins/bitcoin')).headers['x-cache-status']).toBe('HIT')
    expect((await t.app.inject('/v1/coins/ethereum')).headers['x-cache-status']).toBe('STALE')
    expect((await t.app.inject('/v1/coins/nope')).statusCode).toBe(404)
    expect((await t.app.inject('/v1/coins/cardano?wait=0')).statusCode).toBe(503)
    expect((await t.app.inject('/v1/coins?ids=bitcoin,solana&wait=0')).statusCode).toBe(200)

    expect(await reads({ dataset: 'coin', outcome: 'HIT' })).toBe(before.hit + 2)
    expect(await reads({ dataset: 'coin', outcome: 'STALE' })).toBe(before.stale + 1)
    expect(await reads({ dataset: 'coin', outcome: 'MISS' })).toBe(before.miss + 2)
    expect(await reads({ dataset: 'coin', outcome: 'NOT_FOUND' })).toBe(before.notFound + 1)
  })

  it('observes the age of the data served, per dataset', async () => {
    await writeEntry(
      t.redis,
      t.keys,
      coinKey('ethereum'),
      envelope(coinData('ethereum'), { ageMs: 400_000 }),
    )
    const ages = async () => {
      const families = await scrape(t)
      const series = { dataset: 'coin' }
      return {
        count: sampleValue(families, 'marketcache_data_age_seconds_count', series),
        sum: sampleValue(families, 'marketcache_data_age_seconds_sum', series),
        young: sampleValue(families, 'marketcache_data_age_seconds_bucket', {
          ...series,
          le: '300',
        }),
      }
    }
    const before = await ages()
    await t.app.inject('/v1/coins/ethereum')
    const after = await ages()
    expect(after.count).toBe(before.count + 1)
    expect(after.sum - before.sum).toBeGreaterThanOrEqual(400)
    expect(after.young).toBe(before.young)
  })

  it('times requests by route template, method and status, never by raw URL', async () => {
    await writeEntry(t.redis, t.keys, coinKey('bitcoin'), envelope(coinData('bitcoin')))
    await t.app.inject('/v1/coins/bitcoin')
    await t.app.inject('/v1/coins/dogecoin?wait=0')
    await t.app.inject('/no/such/route/42')
    const families = await scrape(t)
    const count = (labels: Record<string, string>) =>
      sampleValue(families, 'marketcache_http_request_duration_seconds_count', labels)

    expect(count({ route: '/v1/coins/:id', method: 'GET', status: '200' })).toBeGreaterThan(0)
    expect(count({ route: '/v1/coins/:id', method: 'GET', status: '503' })).toBeGreaterThan(0)
    expect(count({ route: 'unmatched', method: 'GET', status: '404' })).toBeGreaterThan(0)
    const labelValues = families
      .flatMap((family) => family.samples)
      .flatMap((sample) => Object.values(sample.labels))
    for (const raw of ['bitcoin', 'dogecoin', '/no/such/route/42', coinKey('bitcoin')]) {
      expect(labelValues.some((value) => value.includes(raw))).toBe(false)
    }
  })

  it('is in the OpenAPI document, open', async () => {
    const operation = (await t.app.inject('/docs/json')).json().paths['/metrics'].get
    expect(operation.operationId).toBe('getMetrics')
    expect(operation.security).toEqual([])
    expect(Object.keys(operation.responses['200'].content)).toEqual(['text/plain'])
  })
})

describe('GET /metrics with METRICS_REQUIRE_KEY=true', () => {
  const t = useTestApp(
    { METRICS_REQUIRE_KEY: 'true', RATE_LIMIT_MAX: '2', RATE_LIMIT_COSTLY_MAX: '1' },
    { beforeEach: 'nothing' },
  )
  const get = (key?: string) =>
    t.app.inject({ url: '/metrics', headers: key ? { authorization: `Bearer ${key}` } : {} })

  it('asks for a key with the admin scope', async () => {
    expect((await get()).statusCode).toBe(401)
    expect((await get(TestKeys.writer)).statusCode).toBe(403)
    const response = await get(TestKeys.admin)
    expect(response.statusCode).toBe(200)
    expect(parsePrometheusText(response.body).length).toBeGreaterThan(0)
  })

  it('is never rate limited, so a scraper is not refused', async () => {
    for (let i = 0; i < 5; i++) expect((await get(TestKeys.admin)).statusCode).toBe(200)
  })

  it('documents the key in OpenAPI', async () => {
    const operation = (await t.app.inject('/docs/json')).json().paths['/metrics'].get
    expect(operation.security).toEqual([{ bearerAuth: ['admin'] }, { apiKeyHeader: ['admin'] }])
    expect(Object.keys(operation.responses).sort()).toEqual(['200', '401', '403', '500'])
  })
})
