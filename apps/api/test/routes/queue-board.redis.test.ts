import { QueueName } from '@marketcache/shared/jobs'
import type { LightMyRequestResponse } from 'fastify'
import { describe, expect, it } from 'vitest'
import { TestKeys, useTestApp } from '../fixtures/test-app'

const t = useTestApp({}, { beforeEach: 'queues' })

const basic = (key: string, user = 'operator') =>
  `Basic ${Buffer.from(`${user}:${key}`).toString('base64')}`

/** The board's page, one call of its JSON API, and one of its static assets. */
const BOARD_URLS = [
  '/admin/queues',
  '/admin/queues/queue/coingecko',
  '/admin/queues/api/queues',
  '/admin/queues/static/favicon-32x32.png',
] as const

const get = (url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url, headers })

function expectError(response: LightMyRequestResponse, status: number, code: string) {
  expect(response.statusCode).toBe(status)
  expect(response.json()).toEqual({
    statusCode: status,
    code,
    error: expect.any(String),
    message: expect.any(String),
  })
  expect(response.headers['cache-control']).toBe('no-store')
}

describe('GET /admin/queues (bull-board)', () => {
  it.each(BOARD_URLS)('answers 401 with a Basic challenge without a key: %s', async (url) => {
    const response = await get(url)
    expectError(response, 401, 'UNAUTHORIZED')
    // The browser prompts for the key on this challenge.
    expect(response.headers['www-authenticate']).toBe('Basic realm="marketcache"')
    expect(response.json().message).toMatch(/API key as the password/)
  })

  it.each(BOARD_URLS)('answers 401 to a key it does not know: %s', async (url) => {
    expectError(
      await get(url, { authorization: basic('not-a-known-key-000') }),
      401,
      'UNAUTHORIZED',
    )
    expectError(await get(url, { authorization: 'Basic !!!' }), 401, 'UNAUTHORIZED')
  })

  it.each(BOARD_URLS)('answers 403 to a key without the admin scope: %s', async (url) => {
    expectError(await get(url, { authorization: basic(TestKeys.writer) }), 403, 'FORBIDDEN')
    expectError(await get(url, { authorization: `Bearer ${TestKeys.writer}` }), 403, 'FORBIDDEN')
  })

  it('serves the page to an admin key: Basic (any user name), Bearer or X-API-Key', async () => {
    const ways: Record<string, string>[] = [
      { authorization: basic(TestKeys.admin) },
      { authorization: basic(TestKeys.reader, '') },
      { authorization: `Bearer ${TestKeys.admin}` },
      { 'x-api-key': TestKeys.admin },
    ]
    for (const headers of ways) {
      const response = await get('/admin/queues', headers)
      expect(response.statusCode).toBe(200)
      expect(response.headers['content-type']).toMatch(/^text\/html/)
      expect(response.headers['cache-control']).toBe('no-store')
      // Assets resolve under the mount point, so they pass the same check.
      expect(response.body).toContain('<base href="/admin/queues/"')
    }
    const asset = await get('/admin/queues/static/favicon-32x32.png', {
      authorization: basic(TestKeys.admin),
    })
    expect(asset.statusCode).toBe(200)
    expect(asset.headers['content-type']).toBe('image/png')
  })

  it('lists every queue the API enqueues on, with the jobs it enqueued', async () => {
    const accepted = await t.app.inject({
      method: 'POST',
      url: '/v1/update-cache',
      headers: { authorization: `Bearer ${TestKeys.writer}` },
      payload: { coin_id: 'bitcoin' },
    })
    expect(accepted.statusCode).toBe(202)
    for (const headers of [
      { authorization: basic(TestKeys.admin) },
      { authorization: `Bearer ${TestKeys.admin}` },
    ]) {
      const response = await get('/admin/queues/api/queues', headers)
      expect(response.statusCode).toBe(200)
      const queues: { name: string; counts: Record<string, number> }[] = response.json().queues
      expect(queues.map((queue) => queue.name).sort()).toEqual(Object.values(QueueName).sort())
      const coingecko = queues.find((queue) => queue.name === QueueName.coingecko)
      expect(Object.values(coingecko?.counts ?? {}).reduce((sum, n) => sum + n, 0)).toBe(1)
    }
  })

  it('runs no action without the admin scope, nor from another site', async () => {
    const pause = (headers: Record<string, string>) =>
      t.app.inject({ method: 'PUT', url: '/admin/queues/api/queues/coingecko/pause', headers })
    expectError(await pause({}), 401, 'UNAUTHORIZED')
    expectError(await pause({ authorization: basic(TestKeys.writer) }), 403, 'FORBIDDEN')
    // Another site's page, in a browser that remembers the credentials.
    const crossSite = { authorization: basic(TestKeys.admin), 'sec-fetch-site': 'cross-site' }
    expectError(await pause(crossSite), 403, 'FORBIDDEN')
    expect(await t.queues.coingecko.isPaused()).toBe(false)
    const own = { authorization: basic(TestKeys.admin), 'sec-fetch-site': 'same-origin' }
    expect((await pause(own)).statusCode).toBe(200)
    expect(await t.queues.coingecko.isPaused()).toBe(true)
    await t.queues.coingecko.resume()
  })

  it('is left out of the OpenAPI document', async () => {
    const spec = (await get('/docs/json')).json()
    expect(Object.keys(spec.paths).filter((path) => path.startsWith('/admin'))).toEqual([])
  })
})

describe('QUEUE_BOARD=false', () => {
  const off = useTestApp({ QUEUE_BOARD: 'false' }, { beforeEach: 'nothing' })

  it('serves no board', async () => {
    const response = await off.app.inject({
      url: '/admin/queues/api/queues',
      headers: { authorization: basic(TestKeys.admin) },
    })
    expect(response.statusCode).toBe(404)
    expect(response.json().code).toBe('ROUTE_NOT_FOUND')
  })
})

describe('the rate limit on the board', () => {
  const limited = useTestApp(
    { RATE_LIMIT_MAX: '3', RATE_LIMIT_COSTLY_MAX: '1' },
    { beforeEach: 'nothing' },
  )
  const from = (remoteAddress: string, url: string, headers: Record<string, string> = {}) =>
    limited.app.inject({ url, headers, remoteAddress })

  it('spends nothing of an admin key: the page polls and loads its assets', async () => {
    for (let i = 0; i < 3; i++) {
      for (const url of BOARD_URLS) {
        const response = await from('10.9.0.1', url, { authorization: basic(TestKeys.admin) })
        expect(response.statusCode).toBe(200)
        expect(response.headers['ratelimit-remaining']).toBeUndefined()
      }
    }
  })

  it('counts requests without one, so guessing keys is throttled', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 5; i++) {
      const guess = basic(`guessed-key-${String(i).padStart(8, '0')}`)
      statuses.push((await from('10.9.0.2', '/admin/queues', { authorization: guess })).statusCode)
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429])
  })
})
