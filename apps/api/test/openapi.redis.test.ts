import { ErrorCodes } from '@marketcache/shared/errors'
import { datasetNames } from '@marketcache/shared/registry'
import { beforeAll, describe, expect, it } from 'vitest'
import { useTestApp } from './fixtures/test-app'

const t = useTestApp({}, { beforeEach: 'nothing' })
// biome-ignore lint/suspicious/noExplicitAny: an OpenAPI document, inspected loosely
let spec: any
beforeAll(async () => {
  spec = (await t.app.inject('/docs/json')).json()
})

/** Every route with the statuses it must document. */
const ROUTES: [path: string, method: string, statuses: string[]][] = [
  ['/v1/coins/{id}', 'get', ['200', '304', '400', '401', '403', '404', '429', '500', '503']],
  [
    '/v1/coins/{id}/tokenomics',
    'get',
    ['200', '304', '400', '401', '403', '404', '429', '500', '503'],
  ],
  ['/v1/coins', 'get', ['200', '400', '429', '500', '503']],
  ['/v1/spot/{exchange}', 'get', ['200', '400', '429', '500', '503']],
  [
    '/v1/spot/{exchange}/{symbol}',
    'get',
    ['200', '304', '400', '401', '403', '404', '429', '500', '503'],
  ],
  [
    '/v1/quotes/{exchange}/{conid}',
    'get',
    ['200', '304', '400', '401', '403', '404', '429', '500', '503'],
  ],
  [
    '/v1/instruments/{exchange}/{underlying}',
    'get',
    ['200', '304', '400', '401', '403', '404', '429', '500', '503'],
  ],
  [
    '/v1/options/{exchange}/{underlying}/chain',
    'get',
    ['200', '304', '400', '401', '403', '404', '429', '500', '503'],
  ],
  [
    '/v1/ohlcv/{exchange}/{symbol}',
    'get',
    ['200', '304', '400', '401', '403', '404', '429', '500', '503'],
  ],
  [
    '/v1/market-status/{market}',
    'get',
    ['200', '304', '400', '401', '403', '404', '429', '500', '503'],
  ],
  ['/v1/catalogs/{name}', 'get', ['200', '304', '400', '401', '403', '404', '429', '500', '503']],
  ['/v1/crypto-collar', 'get', ['200', '304', '400', '401', '403', '404', '429', '500', '503']],
  [
    '/v1/options/{exchange}/{underlying}/summary',
    'get',
    ['200', '304', '400', '401', '403', '404', '429', '500', '503'],
  ],
  ['/v1/backtests', 'get', ['200', '304', '400', '401', '403', '404', '429', '500', '503']],
  ['/v1/backtests/batch', 'post', ['202', '400', '401', '403', '413', '415', '429', '500', '503']],
  ['/v1/backtests/batch/{id}', 'get', ['200', '400', '404', '429', '500', '503']],
  ['/v1/update-cache', 'post', ['202', '400', '401', '403', '413', '415', '429', '500', '503']],
  ['/v1/signals/{id}', 'get', ['200', '304', '400', '404', '429', '500', '503']],
  ['/v1/signals', 'get', ['200', '304', '400', '429', '500', '503']],
  ['/v1/analytics/{name}', 'get', ['200', '304', '400', '404', '429', '500', '503']],
  ['/v1/stream', 'get', ['200', '400', '429', '500', '503']],
  [
    '/v1/push/signal',
    'post',
    ['200', '201', '202', '400', '401', '403', '413', '415', '429', '500', '503'],
  ],
  [
    '/v1/push/analytics',
    'post',
    ['200', '201', '202', '400', '401', '403', '413', '415', '429', '500', '503'],
  ],
  ['/v1/cache/invalidate', 'post', ['202', '400', '401', '403', '413', '415', '429', '500', '503']],
  ['/v1/jobs/{id}', 'get', ['200', '400', '404', '429', '500', '503']],
  ['/v1/cache/stats', 'get', ['200', '400', '429', '500', '503']],
  ['/health', 'get', ['200']],
  ['/health/ready', 'get', ['200', '500', '503']],
  ['/health/detailed', 'get', ['200', '401', '403', '500']],
  ['/metrics', 'get', ['200', '500']],
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
    expect(read.responses['503'].headers.Location).toBeDefined()
    expect(read.responses['503'].description).toContain('FILL_PENDING')
    expect(read.responses['503'].description).toContain('BACKEND_UNAVAILABLE')
    expect(Object.keys(read.responses['429'].headers).sort()).toEqual([
      'RateLimit-Limit',
      'RateLimit-Remaining',
      'RateLimit-Reset',
      'Retry-After',
    ])
    expect(read.responses['429'].description).toContain('RATE_LIMITED')
    expect(read.responses['401'].description).toContain('UNAUTHORIZED')
    expect(read.parameters.map((p: { name: string }) => p.name).sort()).toEqual([
      'fresh',
      'id',
      'maxStaleness',
      'wait',
    ])
  })

  /** Dataset reads: the value schema, the parameters, and the cache headers on 200 and 304. */
  const READS: [path: string, schema: string, parameters: string[]][] = [
    ['/v1/spot/{exchange}/{symbol}', 'Spot', ['exchange', 'symbol']],
    ['/v1/quotes/{exchange}/{conid}', 'Quote', ['exchange', 'conid']],
    ['/v1/instruments/{exchange}/{underlying}', 'Instruments', ['exchange', 'underlying']],
    [
      '/v1/options/{exchange}/{underlying}/chain',
      'OptionChain',
      ['exchange', 'underlying', 'expiry', 'minDays', 'maxDays', 'minStrike', 'maxStrike', 'right'],
    ],
    ['/v1/ohlcv/{exchange}/{symbol}', 'Ohlcv', ['exchange', 'symbol', 'interval', 'limit']],
    ['/v1/market-status/{market}', 'MarketStatus', ['market']],
    ['/v1/catalogs/{name}', 'Catalog', ['name']],
    [
      '/v1/crypto-collar',
      'CollarResponse',
      [
        'underlying',
        'exchange',
        'min_days',
        'max_days',
        'min_gain_to_risk',
        'moneyness',
        'sort',
        'limit',
        'group',
      ],
    ],
    ['/v1/options/{exchange}/{underlying}/summary', 'OptionsSummary', ['exchange', 'underlying']],
    [
      '/v1/backtests',
      'Backtest',
      [
        'exchange',
        'symbol',
        'interval',
        'start',
        'end',
        'rsi_period',
        'oversold',
        'overbought',
        'fee_bps',
        'initial_capital',
        'strategy',
      ],
    ],
  ]

  it.each(READS)('documents %s: value %s, its parameters, headers', (path, schema, parameters) => {
    const read = spec.paths[path].get
    expect(read.responses['200'].content['application/json'].schema.$ref).toBe(
      `#/components/schemas/${schema}`,
    )
    expect(spec.components.schemas[schema]).toBeDefined()
    for (const status of ['200', '304']) {
      expect(Object.keys(read.responses[status].headers)).toEqual(
        expect.arrayContaining(['X-Cache-Status', 'Age', 'X-Data-As-Of', 'Cache-Control', 'ETag']),
      )
    }
    expect(read.responses['503'].headers['Retry-After']).toBeDefined()
    expect(read.parameters.map((p: { name: string }) => p.name).sort()).toEqual(
      [...parameters, 'wait', 'fresh', 'maxStaleness'].sort(),
    )
    for (const parameter of read.parameters)
      expect(parameter.description, parameter.name).toBeTruthy()
  })

  /** Multi-gets: per-item bodies of the dataset's value, the list and the wait, no cache headers. */
  it.each([
    ['/v1/coins', 'ids', 'id', 'Coin', []],
    ['/v1/spot/{exchange}', 'symbols', 'symbol', 'Spot', ['exchange']],
  ])(
    'documents the multi-get %s: %s, items named by %s, of %s',
    (path, list, field, schema, pathParams) => {
      const read = spec.paths[path].get
      const body = read.responses['200'].content['application/json'].schema
      const item = body.properties.items.items
      expect(item.required).toEqual([field, 'status', 'data'])
      expect(item.properties.data.anyOf[0].$ref).toBe(`#/components/schemas/${schema}`)
      expect(item.properties.status.anyOf.map((s: { enum: string[] }) => s.enum[0])).toEqual([
        'HIT',
        'STALE',
        'MISS',
        'NOT_FOUND',
        'PENDING',
      ])
      expect(read.responses['200'].headers).toHaveProperty('Cache-Control')
      expect(read.parameters.map((p: { name: string }) => p.name).sort()).toEqual(
        [...pathParams, list, 'wait', 'maxStaleness'].sort(),
      )
      expect(read.parameters.find((p: { name: string }) => p.name === list).required).toBe(true)
      expect(read.responses['400'].description).toContain('TOO_MANY_IDS')
    },
  )

  it('documents the accepted values of exchanges, markets, rights, intervals and catalogs', () => {
    const param = (path: string, name: string) =>
      spec.paths[path].get.parameters.find((p: { name: string }) => p.name === name)
    expect(param('/v1/spot/{exchange}/{symbol}', 'exchange').schema.enum).toEqual(['bybit', 'ibkr'])
    expect(param('/v1/spot/{exchange}/{symbol}', 'symbol').description).toContain(
      'a Bybit spot pair such as BTCUSDT',
    )
    expect(param('/v1/spot/{exchange}', 'exchange').schema.enum).toEqual(['bybit', 'ibkr'])
    expect(param('/v1/quotes/{exchange}/{conid}', 'exchange').schema.enum).toEqual(['ibkr'])
    expect(param('/v1/quotes/{exchange}/{conid}', 'conid').description).toContain(
      'on ibkr, an IBKR contract id (conid) such as 265598',
    )
    expect(param('/v1/ohlcv/{exchange}/{symbol}', 'exchange').schema.enum).toEqual([
      'bybit',
      'ibkr',
      'coingecko',
    ])
    expect(param('/v1/ohlcv/{exchange}/{symbol}', 'interval').description).toContain(
      'coingecko: 30m, 4h',
    )
    expect(param('/v1/ohlcv/{exchange}/{symbol}', 'interval').description).toContain(
      'ibkr: 1h, 1d (default 1h)',
    )
    expect(param('/v1/ohlcv/{exchange}/{symbol}', 'symbol').description).toContain(
      'on ibkr, a US stock ticker such as AAPL',
    )
    expect(param('/v1/ohlcv/{exchange}/{symbol}', 'limit').schema).toMatchObject({
      type: 'integer',
      minimum: 1,
      maximum: 1000,
    })
    expect(param('/v1/options/{exchange}/{underlying}/chain', 'right').schema.enum).toEqual([
      'call',
      'put',
    ])
    expect(param('/v1/market-status/{market}', 'market').schema.enum).toEqual([
      'crypto',
      'us-equities',
    ])
    expect(param('/v1/catalogs/{name}', 'name').schema.enum).toEqual([
      'coingecko-coins',
      'bybit-spot',
      'bybit-options',
    ])
  })

  it('documents the collar view, flat or grouped: metadata, Collar fields, the word lists', () => {
    const [flat, grouped] = spec.components.schemas.CollarResponse.anyOf
    for (const view of [flat, grouped]) {
      expect(Object.keys(view.properties.metadata.properties).sort()).toEqual(
        ['as_of', 'exchange', 'inputs', 'matched', 'spot', 'total_count', 'underlying'].sort(),
      )
    }
    expect(flat.properties.collars.items.properties).toHaveProperty('score')
    expect(flat.properties.collars.items.properties).toHaveProperty('gain_to_risk')
    const [byProtection, byMaturity] = grouped.properties.groups.items.anyOf
    expect(Object.keys(byProtection.properties)).toEqual(['protection', 'matched', 'collars'])
    expect(byProtection.properties.protection.enum).toEqual([
      '<0%',
      '0-2%',
      '2-5%',
      '5-10%',
      '10-20%',
      '20%+',
    ])
    expect(Object.keys(byMaturity.properties)).toEqual([
      'expiry',
      'days_to_expiry',
      'matched',
      'collars',
    ])
    const param = (name: string) =>
      spec.paths['/v1/crypto-collar'].get.parameters.find((p: { name: string }) => p.name === name)
    expect(param('underlying').required).toBe(true)
    expect(param('moneyness').schema.enum).toEqual(['otm', 'all'])
    expect(param('group').schema.enum).toEqual(['protection', 'maturity'])
    expect(param('sort').schema.enum).toEqual([
      'score',
      'gain_to_risk',
      'max_gain',
      'net_cost',
      'days_to_expiry',
      'protection',
    ])
    expect(param('limit').schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 1000 })
    expect(spec.components.schemas.CollarSet).toBeDefined()
  })

  it('documents the batch: body, 202 and status shapes, and the key it needs', () => {
    const post = spec.paths['/v1/backtests/batch'].post
    const body = post.requestBody.content['application/json'].schema
    expect(body.required).toEqual(['symbols'])
    expect(body.additionalProperties).toBe(false)
    expect(body.properties.symbols).toMatchObject({ type: 'array', minItems: 1, maxItems: 250 })
    expect(Object.keys(body.properties).sort()).toEqual(
      [
        'symbols',
        'exchange',
        'interval',
        'start',
        'end',
        'rsi_period',
        'oversold',
        'overbought',
        'fee_bps',
        'initial_capital',
      ].sort(),
    )
    expect(post.security).toEqual([{ bearerAuth: ['write'] }, { apiKeyHeader: ['write'] }])
    const accepted = post.responses['202'].content['application/json'].schema
    expect(Object.keys(accepted.properties)).toEqual(['batch', 'jobs'])
    const status =
      spec.paths['/v1/backtests/batch/{id}'].get.responses['200'].content['application/json'].schema
    expect(Object.keys(status.properties).sort()).toEqual(
      ['completed', 'failed', 'id', 'pending', 'results', 'state', 'total'].sort(),
    )
  })

  it('documents the {dataset, params} body of update-cache with every dataset name', () => {
    const body = spec.paths['/v1/update-cache'].post.requestBody.content['application/json'].schema
    const shapes = body.anyOf ?? body.oneOf
    expect(shapes.map((shape: { title: string }) => shape.title)).toEqual([
      'One coin',
      'Listed coins',
      'Top coins by market cap',
      'Any dataset',
    ])
    expect(shapes[3].properties.dataset.enum).toEqual(datasetNames)
    expect(shapes[3].required.sort()).toEqual(['dataset', 'params'])
  })

  it('documents the stream: an event-stream 200, its selectors, Last-Event-ID and OVERLOADED', () => {
    const stream = spec.paths['/v1/stream'].get
    expect(Object.keys(stream.responses['200'].content)).toEqual(['text/event-stream'])
    const query = stream.parameters.filter((p: { in: string }) => p.in === 'query')
    const names = query.map((p: { name: string }) => p.name)
    // `keys`, or `dataset` with the params of any dataset (and `symbol`, the signals' index).
    expect(names.slice(0, 2)).toEqual(['keys', 'dataset'])
    expect(names).toEqual(
      expect.arrayContaining(['id', 'exchange', 'symbol', 'underlying', 'interval', 'name']),
    )
    for (const parameter of query) expect(parameter.required ?? false, parameter.name).toBe(false)
    expect(query.find((p: { name: string }) => p.name === 'dataset').schema.enum).toEqual(
      datasetNames,
    )
    const header = stream.parameters.find((p: { in: string }) => p.in === 'header')
    expect(header.name).toBe('last-event-id')
    expect(stream.responses['503'].description).toContain('OVERLOADED')
    expect(stream.responses['503'].headers['Retry-After']).toBeDefined()
  })

  it('requires a write key on commands, takes one on reads, and declares both ways to send it', () => {
    expect(spec.components.securitySchemes).toMatchObject({
      bearerAuth: { type: 'http', scheme: 'bearer' },
      apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
    })
    expect(spec.paths['/v1/update-cache'].post.security).toEqual([
      { bearerAuth: ['write'] },
      { apiKeyHeader: ['write'] },
    ])
    // Reads need no key; `fresh=true` needs one with the write scope.
    expect(spec.paths['/v1/coins/{id}'].get.security).toEqual([
      {},
      { bearerAuth: ['write'] },
      { apiKeyHeader: ['write'] },
    ])
    expect(spec.paths['/v1/jobs/{id}'].get.security).toEqual([])
  })
})
