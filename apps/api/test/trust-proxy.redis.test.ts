import { cacheKey } from '@marketcache/shared/dataset'
import { coin } from '@marketcache/shared/datasets/coin'
import { beforeAll, describe, expect, it } from 'vitest'
import { coinData, envelope, writeEntry } from './fixtures/cache-writer'
import { useTestApp } from './fixtures/test-app'

/**
 * Who a request's budget belongs to behind a proxy, over real HTTP so that plain L1 hits take the
 * fast lane and `?wait=` reads the full path: both must name the client alike. The tests connect
 * from 127.0.0.1, which plays the proxy. Each test uses forwarded addresses of its own, since the
 * budgets outlive the reset between tests. A budget of 100 is leased two units at a time, so a
 * client's second request finds a unit in hand and may take the fast lane.
 */
const LIMIT = '100'

/** An app with `env` listening on loopback (call inside a describe), and how the tests use it. */
function listening(env: Record<string, string> = {}) {
  const t = useTestApp({ RATE_LIMIT_MAX: LIMIT, RATE_LIMIT_COSTLY_MAX: LIMIT, ...env })
  let base = ''
  beforeAll(async () => {
    base = await t.app.listen({ host: '127.0.0.1', port: 0 })
  })
  const seed = (id: string) =>
    writeEntry(t.redis, t.keys, cacheKey(t.keys, coin, { id }), envelope(coinData(id)))
  /** GET `path` as forwarded for `chain`; the status and the budget left. */
  const get = async (path: string, chain?: string) => {
    const headers: Record<string, string> = chain ? { 'x-forwarded-for': chain } : {}
    const response = await fetch(`${base}${path}`, { headers })
    await response.arrayBuffer()
    return { status: response.status, remaining: response.headers.get('ratelimit-remaining') }
  }
  return { seed, get }
}

describe('TRUST_PROXY=loopback: the API sits behind a proxy on this host', () => {
  const { seed, get } = listening({ TRUST_PROXY: 'loopback' })

  it('gives each forwarded client its own budget, spent alike by fast-lane hits and full reads', async () => {
    await seed('proxied')
    // The proxy's own request fills L1 and leaves a leased unit for the proxy's address.
    expect(await get('/v1/coins/proxied')).toEqual({ status: 200, remaining: '99' })
    const first = '203.0.113.2'
    // Counted as `first`, not as the proxy whose unit is in hand.
    expect(await get('/v1/coins/proxied', first)).toEqual({ status: 200, remaining: '99' })
    expect(await get('/v1/coins/proxied', first)).toEqual({ status: 200, remaining: '98' })
    expect(await get('/v1/coins/proxied?wait=1000', first)).toEqual({
      status: 200,
      remaining: '97',
    })
    expect(await get('/v1/coins/proxied', first)).toEqual({ status: 200, remaining: '96' })
    expect(await get('/v1/coins/proxied', '203.0.113.3')).toEqual({ status: 200, remaining: '99' })
    expect(await get('/v1/coins/proxied')).toEqual({ status: 200, remaining: '98' })
  })

  it('names the nearest untrusted hop: addresses a client writes before it buy nothing', async () => {
    await seed('chained')
    const spoofed = (n: number) => `198.51.100.${n}, 203.0.113.20`
    for (const [n, remaining] of [
      [1, '99'],
      [2, '98'],
      [3, '97'],
    ] as const) {
      expect(await get('/v1/coins/chained', spoofed(n))).toEqual({ status: 200, remaining })
    }
    expect(await get('/v1/coins/chained?wait=1000', spoofed(4))).toEqual({
      status: 200,
      remaining: '96',
    })
  })
})

describe('TRUST_PROXY unset (the default): X-Forwarded-For is ignored', () => {
  const { seed, get } = listening()

  it('counts every request from this socket address as one client, whatever it forwards', async () => {
    await seed('direct')
    for (const [n, remaining] of [
      [1, '99'],
      [2, '98'],
      [3, '97'],
    ] as const) {
      expect(await get('/v1/coins/direct', `203.0.113.${30 + n}`)).toEqual({
        status: 200,
        remaining,
      })
    }
    expect(await get('/v1/coins/direct?wait=1000')).toEqual({ status: 200, remaining: '96' })
  })
})
