import { cacheKey } from '@marketcache/shared/dataset'
import { coin } from '@marketcache/shared/datasets/coin'
import { beforeAll, describe, expect, it } from 'vitest'
import { coinData, envelope, writeEntry } from './fixtures/cache-writer'
import { stableHeaders as stable } from './fixtures/stable-headers'
import { eventually, useTestApp } from './fixtures/test-app'

/**
 * Plain L1 hits over real HTTP (app.inject() bypasses the server, and so the fast lane): what a
 * client sees must be exactly what the full read path sends, and every budget, counter and
 * coherence rule must hold the same.
 */
const t = useTestApp({ RATE_LIMIT_MAX: '60', RATE_LIMIT_COSTLY_MAX: '10' })
let base: string

beforeAll(async () => {
  base = await t.app.listen({ host: '127.0.0.1', port: 0 })
})

const key = (id: string) => cacheKey(t.keys, coin, { id })
const seed = (id: string, overrides = {}) =>
  writeEntry(t.redis, t.keys, key(id), envelope(coinData(id), overrides))
const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { headers })

describe('a plain L1 hit over HTTP', () => {
  it('carries exactly the headers and body of the full read path', async () => {
    await seed('alpha')
    const first = await get('/v1/coins/alpha')
    expect(first.headers.get('x-cache-layer')).toBe('L2')
    await first.arrayBuffer()
    // ?wait= takes the full path; the plain URL may take the fast lane. Same copy in L1.
    const full = await get('/v1/coins/alpha?wait=1000')
    const plain = await get('/v1/coins/alpha')
    const [fullBody, plainBody] = [await full.text(), await plain.text()]
    expect(plain.status).toBe(200)
    expect(plainBody).toBe(fullBody)
    expect(plainBody).toBe(coinData('alpha'))
    expect(stable(plain)).toEqual(stable(full))
    expect(stable(plain)).toMatchObject({
      'x-cache-status': 'HIT',
      'x-cache-layer': 'L1',
      'content-type': 'application/json; charset=utf-8',
      vary: 'Accept-Encoding',
      'ratelimit-limit': '60',
    })
    expect(plain.headers.get('cache-control')).toMatch(
      /^public, max-age=\d+, stale-while-revalidate=600/,
    )
    expect(Number(plain.headers.get('age'))).toBeGreaterThanOrEqual(0)
  })

  it('spends the same per-client budget: the request past it is a 429', async () => {
    await seed('budget')
    await (await get('/v1/coins/budget')).arrayBuffer()
    const statuses: number[] = []
    let remaining = Number.POSITIVE_INFINITY
    for (let i = 0; i < 80 && !statuses.includes(429); i++) {
      const response = await get('/v1/coins/budget')
      await response.arrayBuffer()
      statuses.push(response.status)
      if (response.status === 200) {
        const now = Number(response.headers.get('ratelimit-remaining'))
        expect(now).toBeLessThan(remaining)
        remaining = now
      }
    }
    // The earlier tests of this file spent part of the 60 from this address.
    expect(statuses).toContain(429)
    expect(statuses.filter((status) => status === 200).length).toBeLessThan(60)
    expect(remaining).toBe(0)
  })
})

describe('what a plain hit leaves to the full path', () => {
  const other = useTestApp()
  let url: string
  beforeAll(async () => {
    url = await other.app.listen({ host: '127.0.0.1', port: 0 })
  })
  const read = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, { headers })
  const seedOther = (id: string, overrides = {}) =>
    writeEntry(
      other.redis,
      other.keys,
      cacheKey(other.keys, coin, { id }),
      envelope(coinData(id), overrides),
    )

  it('answers If-None-Match with 304, and a query parameter is still checked', async () => {
    await seedOther('beta')
    const first = await read('/v1/coins/beta')
    await first.arrayBuffer()
    const tag = first.headers.get('etag') as string
    const revalidated = await read('/v1/coins/beta', { 'if-none-match': tag })
    expect(revalidated.status).toBe(304)
    const typo = await read('/v1/coins/beta?force_refresh=true')
    expect(typo.status).toBe(400)
    expect(((await typo.json()) as { code: string }).code).toBe('UNKNOWN_PARAMETER')
  })

  it('serves a new version once its write is announced, and STALE once the copy is past fresh', async () => {
    await seedOther('gamma', { etag: 'v1' })
    await (await read('/v1/coins/gamma')).arrayBuffer()
    expect((await read('/v1/coins/gamma')).headers.get('x-cache-layer')).toBe('L1')
    await seedOther('gamma', { etag: 'v2' })
    await eventually(async () => {
      const response = await read('/v1/coins/gamma')
      await response.arrayBuffer()
      return response.headers.get('etag') === '"v2"' ? true : undefined
    })
    // Past its fresh window: the full path answers STALE and enqueues the refresh.
    await seedOther('delta', { ageMs: 400_000 })
    await (await read('/v1/coins/delta')).arrayBuffer()
    const stale = await read('/v1/coins/delta')
    await stale.arrayBuffer()
    expect(stale.headers.get('x-cache-status')).toBe('STALE')
    // The refresh is enqueued in the background, after the STALE answer went out.
    const names = await eventually(async () => {
      const pending = (await other.pendingJobs()).map((job) => job.name)
      return pending.length > 0 ? pending : undefined
    })
    expect(names).toContain('coingecko.coin')
  })

  it('counts its hits in the stats and the metrics like any other read', async () => {
    await seedOther('epsilon')
    for (let i = 0; i < 5; i++) await (await read('/v1/coins/epsilon')).arrayBuffer()
    const stats = (await other.app.inject('/v1/cache/stats')).json()
    expect(stats.top_keys.coin).toContainEqual({
      key: cacheKey(other.keys, coin, { id: 'epsilon' }),
      reads: 5,
    })
    expect(stats.l1.hits).toBeGreaterThanOrEqual(4)
    const metrics = (await other.app.inject('/metrics')).body
    expect(metrics).toMatch(
      /marketcache_http_request_duration_seconds_count\{route="\/v1\/coins\/:id",method="GET",status="200"\} \d+/,
    )
    const hits = /marketcache_reads_total\{dataset="coin",outcome="HIT"\} (\d+)/.exec(metrics)
    expect(Number(hits?.[1])).toBeGreaterThanOrEqual(4)
  })
})
