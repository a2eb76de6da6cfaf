import { cacheKey } from '@marketcache/shared/dataset'
import { coin } from '@marketcache/shared/datasets/coin'
import { describe, expect, it } from 'vitest'
import { useTestApp } from './fixtures/test-app'

const t = useTestApp({}, { beforeEach: 'nothing' })

describe('errors outside any route', () => {
  it('answers an unknown route with ROUTE_NOT_FOUND in the one error shape', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/v2/coins/bitcoin' })
    expect(response.statusCode).toBe(404)
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(response.json()).toEqual({
      statusCode: 404,
      code: 'ROUTE_NOT_FOUND',
      error: 'Not Found',
      message: 'no route for GET /v2/coins/bitcoin',
    })
  })

  it('answers a known path with the wrong method with METHOD_NOT_ALLOWED and Allow', async () => {
    const response = await t.app.inject({ method: 'DELETE', url: '/v1/coins/bitcoin' })
    expect(response.statusCode).toBe(405)
    expect(response.headers.allow).toBe('GET, HEAD')
    expect(response.json()).toMatchObject({
      statusCode: 405,
      code: 'METHOD_NOT_ALLOWED',
      error: 'Method Not Allowed',
    })
    const get = await t.app.inject({ method: 'GET', url: '/v1/update-cache' })
    expect(get.statusCode).toBe(405)
    expect(get.headers.allow).toBe('POST')
  })

  it('answers a URL that does not decode with INVALID_PARAMS in the one error shape', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/v1/coins/%ZZ' })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toMatchObject({
      statusCode: 400,
      code: 'INVALID_PARAMS',
      error: 'Bad Request',
    })
  })

  it.each([
    ['a coin', (long: string) => `/v1/coins/${long}`],
    ['tokenomics', (long: string) => `/v1/coins/${long}/tokenomics`],
    ['a spot price', (long: string) => `/v1/spot/bybit/${long}`],
    ['an options chain', (long: string) => `/v1/options/bybit/${long}/chain`],
    ['a job', (long: string) => `/v1/jobs/${long}`],
  ])('answers an over-long path segment on %s with INVALID_PARAMS', async (_name, url) => {
    for (const length of [257, 1000]) {
      const response = await t.app.inject({ method: 'GET', url: url('a'.repeat(length)) })
      expect(response.statusCode).toBe(400)
      expect(response.json()).toEqual({
        statusCode: 400,
        code: 'INVALID_PARAMS',
        error: 'Bad Request',
        message: expect.any(String),
      })
    }
    // One character under the router's limit reaches the route, which names the parameter.
    const atLimit = await t.app.inject({ method: 'GET', url: url('a'.repeat(256)) })
    expect(atLimit.statusCode).toBe(400)
    expect(atLimit.json()).toMatchObject({ code: 'INVALID_PARAMS' })
  })

  it('answers an unexpected failure with INTERNAL and no internals', async () => {
    // Not a hash: Redis refuses HMGET with WRONGTYPE, a bug rather than an outage.
    await t.redis.set(cacheKey(t.keys, coin, { id: 'broken' }), 'not an envelope')
    const response = await t.app.inject({ method: 'GET', url: '/v1/coins/broken' })
    expect(response.statusCode).toBe(500)
    expect(response.json()).toEqual({
      statusCode: 500,
      code: 'INTERNAL',
      error: 'Internal Server Error',
      message: 'an unexpected error occurred',
    })
  })

  it('serves HEAD on reads', async () => {
    const response = await t.app.inject({ method: 'HEAD', url: '/health' })
    expect(response.statusCode).toBe(200)
  })
})
