import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { ErrorCode } from '@marketcache/shared/errors'
import { datasets } from '@marketcache/shared/registry'
import { type TSchema, Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifySchema } from 'fastify'
import type { Scope } from './api-keys'
import { CollarResponse } from './collar-view'
import { ErrorResponse, errorResponses } from './errors'
import { DataResponseHeaders } from './http-cache'
import { SignalListResponse } from './signal-list'

/** OpenAPI tags, one per resource. */
export const Tag = {
  coins: 'coins',
  spot: 'spot',
  quotes: 'quotes',
  instruments: 'instruments',
  options: 'options',
  ohlcv: 'ohlcv',
  market: 'market',
  catalogs: 'catalogs',
  analytics: 'analytics',
  pushed: 'pushed',
  stream: 'stream',
  commands: 'commands',
  jobs: 'jobs',
  cache: 'cache',
  health: 'health',
} as const
export type Tag = (typeof Tag)[keyof typeof Tag]

/**
 * What any dataset read may answer besides 200 and 304 (INTERNAL is always added): 401 and 403
 * are for `fresh=true` without a key with the write scope.
 */
export const READ_ERRORS: readonly ErrorCode[] = [
  'INVALID_PARAMS',
  'UNKNOWN_PARAMETER',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'RATE_LIMITED',
  'FILL_PENDING',
  'OVERLOADED',
  'BACKEND_UNAVAILABLE',
]

/** What every JSON command (a POST with a body, key-protected) may answer. */
export const COMMAND_ERRORS: readonly ErrorCode[] = [
  'UNKNOWN_PARAMETER',
  'INVALID_BODY',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'RATE_LIMITED',
  'BACKEND_UNAVAILABLE',
]

/** What a pushed dataset's read may answer: it fetches nothing, so a miss is a 404. */
export const PUSHED_READ_ERRORS: readonly ErrorCode[] = [
  'INVALID_PARAMS',
  'UNKNOWN_PARAMETER',
  'NOT_FOUND',
  'RATE_LIMITED',
  'BACKEND_UNAVAILABLE',
]

type Security = NonNullable<FastifySchema['security']>

/** Routes anyone may call without a key. The key, if sent, only picks the rate-limit budget. */
export const NoSecurity: Security = []

/**
 * Routes that need an API key with `scope`: either header works. OpenAPI 3.1 lets a requirement
 * of a non-OAuth scheme name the role it needs, so the scope is in the document too.
 */
export function keySecurity(scope: Scope): Security {
  return [{ bearerAuth: [scope] }, { apiKeyHeader: [scope] }]
}

/** Open to anyone, but some requests (`fresh=true`) need a key with `scope`: `{}` is "no key". */
export function optionalKeySecurity(scope: Scope): Security {
  return [{}, ...keySecurity(scope)]
}

const KEY_SCOPES =
  'Keys and their scopes come from API_KEYS; a requirement names the scope it needs (write: ' +
  'update-cache, pushes, backtest batches and fresh=true reads; admin: cache invalidation).'

/**
 * Registers the shared schemas (error shape, every dataset's value) and swagger at `/docs`, with
 * the spec at `/docs/json`. Must run before routes, so swagger sees them.
 *
 * The document is OpenAPI 3.1, whose Schema Object is JSON Schema (2020-12): the TypeBox schemas
 * that validate requests and responses are rendered as they are (numeric `exclusiveMinimum`,
 * `type: 'null'`), with no 3.0 translation to drift from what ajv checks.
 */
export async function registerOpenApi(
  app: FastifyInstance,
  options: {
    /** Where clients reach the API's root (`API_PUBLIC_URL`): the one entry of `servers`. */
    publicUrl: string
  },
): Promise<void> {
  app.addSchema(ErrorResponse)
  for (const dataset of Object.values(datasets)) app.addSchema(dataset.value)
  // Routes that answer a view of their value rather than the stored bytes.
  app.addSchema(CollarResponse)
  app.addSchema(SignalListResponse)

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      // Paths are appended to this URL as they are (stripBasePath is off).
      servers: [{ url: options.publicUrl, description: 'This API' }],
      info: {
        title: 'marketcache',
        version: 'v1',
        description:
          'A read-through cache for market data. Reads answer from Redis (X-Cache-Status tells ' +
          'HIT, STALE or MISS); everything else is a queued job. Errors share one shape; see docs/errors.md.',
      },
      tags: [
        { name: Tag.coins, description: 'Cached CoinGecko data' },
        { name: Tag.spot, description: 'Last price and quote of a pair or stock (Bybit, IBKR)' },
        {
          name: Tag.quotes,
          description: "Quote of any contract by the exchange's own id (IBKR conid)",
        },
        {
          name: Tag.instruments,
          description: 'Listed option contracts of an underlying, with the exchange ids',
        },
        { name: Tag.options, description: 'Option chains, filtered at read time' },
        { name: Tag.ohlcv, description: 'Candles (Bybit, IBKR, CoinGecko)' },
        { name: Tag.market, description: 'Whether a market is open' },
        { name: Tag.catalogs, description: "The providers' own id lists" },
        {
          name: Tag.analytics,
          description:
            'Derived by the worker from cached data: collars, options summaries, backtests',
        },
        {
          name: Tag.pushed,
          description:
            'Values your own producers push (POST /v1/push/{dataset}): trading signals and named analytics',
        },
        {
          name: Tag.stream,
          description: 'Live updates of any entries, pushed or fetched (Server-Sent Events)',
        },
        {
          name: Tag.commands,
          description: 'Ask the workers to fetch or write (API key with the write scope)',
        },
        { name: Tag.jobs, description: 'Status of queued fetches' },
        { name: Tag.cache, description: 'Cache statistics' },
        { name: Tag.health, description: 'Liveness and readiness' },
      ],
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            description: `Authorization: Bearer <API key>. ${KEY_SCOPES}`,
          },
          apiKeyHeader: {
            type: 'apiKey',
            in: 'header',
            name: 'X-API-Key',
            description: `X-API-Key: <API key>. ${KEY_SCOPES}`,
          },
        },
      },
    },
    // Route paths are documented as registered, whatever the path of the public URL.
    stripBasePath: false,
    // Keep shared schemas under their own names (Coin, ErrorResponse) instead of def-N.
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, index) =>
        typeof json.$id === 'string' ? json.$id : `def-${index}`,
    },
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
}

/** Responses of a dataset read: the stored value with its cache headers, 304, and errors. */
export function dataResponses(
  valueId: string,
  errors: readonly ErrorCode[] = READ_ERRORS,
  description = 'The cached value, byte for byte as stored.',
): Record<number, TSchema> {
  return {
    200: Type.Unsafe<unknown>(
      Type.Ref(valueId, {
        description,
        headers: DataResponseHeaders,
      }),
    ),
    304: Type.Null({
      description: 'Not Modified: If-None-Match matches the current ETag.',
      headers: DataResponseHeaders,
    }),
    ...errorResponses(errors),
  }
}
