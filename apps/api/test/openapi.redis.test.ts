import { ErrorCodes } from '@marketcache/shared/errors'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from './fixtures/test-app'

let t: TestApp
// biome-ignore lint/suspicious/noExplicitAny: an OpenAPI document, inspected loosely
let spec: any
beforeAll(async () => {
  t = await startTestApp()
  spec = (await t.app.inject('/docs/json')).json()
})
afterAll(() => t.close())

/** Every route with the statuses it must document. */
const ROUTES: [path: string, method: string, statuses: string[]][] = [
  ['/v1/coins/{id}', 'get', ['200', '304', '400', '404', '500', '503']],
  ['/v1/coins/{id}/tokenomics', 'get', ['200', '304', '400', '404', '500', '503']],
  ['/v1/coins', 'get', ['200', '400', '500', '503']],
  ['/v1/update-cache', 'post', ['202', '400', '401', '403', '413', '415', '500', '503']],
  ['/v1/jobs/{id}', 'get', ['200', '400', '404', '500', '503']],
  ['/v1/cache/stats', 'get', ['200', '500', '503']],
  ['/health', 'get', ['200']],
  ['/health/ready', 'get', ['200', '500', '503']],
]

describe('OpenAPI', () => {
  it('serves the UI at /docs', async () => {
    const response = await t.app.inject('/docs/')
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toMatch(/text\/html/)
  })

  it('is OpenAPI 3 and lists every route, and nothing else', () => {
    expect(spec.openapi).toMatch(/^3\./)
    expect(Object.keys(spec.paths).sort()).toEqual(ROUTES.map(([path]) => path).sort())
  })

  it.each(ROUTES)(
    'documents %s %s with a summary, a tag and each status',
    (path, method, statuses) => {
      const operation = spec.paths[path][method]
      expect(operation.summary).toBeTruthy()
      expect(operation.tags?.length).toBeGreaterThan(0)
      expect(Object.keys(operation.responses).sort()).toEqual(statuses.sort())
      for (const status of statuses.filter((s) => Number(s) >= 400)) {
        const response = operation.responses[status]
        expect(response.content['application/json'].schema.$ref).toBe(
          '#/components/schemas/ErrorResponse',
        )
        // The description names each code a client can get with this status.
        expect(response.description).toMatch(/^[A-Z_]+: /)
      }
    },
  )

  it('names every error code in the error schema', () => {
    expect(spec.components.schemas.ErrorResponse.properties.code.enum.sort()).toEqual(
      Object.keys(ErrorCodes).sort(),
    )
  })

  it('documents the cache headers on data responses and Retry-After on 503s', () => {
    const read = spec.paths['/v1/coins/{id}'].get
    expect(Object.keys(read.responses['200'].headers)).toEqual(
      expect.arrayContaining([
        'X-Cache-Status',
        'Age',
        'X-Data-As-Of',
        'Cache-Control',
        'ETag',
        'X-Cache-Error',
      ]),
    )
    expect(read.responses['200'].content['application/json'].schema.$ref).toBe(
      '#/components/schemas/Coin',
    )
    expect(read.responses['503'].headers['Retry-After']).toBeDefined()
    expect(read.responses['503'].description).toContain('FILL_PENDING')
    expect(read.responses['503'].description).toContain('BACKEND_UNAVAILABLE')
    expect(read.parameters.map((p: { name: string }) => p.name).sort()).toEqual([
      'fresh',
      'id',
      'maxStaleness',
      'wait',
    ])
  })

  it('requires an API key on commands, and declares both ways to send it', () => {
    expect(spec.components.securitySchemes).toMatchObject({
      bearerAuth: { type: 'http', scheme: 'bearer' },
      apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
    })
    expect(spec.paths['/v1/update-cache'].post.security).toEqual([
      { bearerAuth: [] },
      { apiKeyHeader: [] },
    ])
    expect(spec.paths['/v1/coins/{id}'].get.security).toBeUndefined()
  })
})
