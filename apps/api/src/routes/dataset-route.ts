import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { type AnyDataset, isPushed } from '@marketcache/shared/dataset'
import type { ErrorCode } from '@marketcache/shared/errors'
import type { TObject, TProperties } from '@sinclair/typebox'
import {
  dataResponses,
  NoSecurity,
  optionalKeySecurity,
  PUSHED_READ_ERRORS,
  READ_ERRORS,
  type Tag,
} from '../openapi'
import { plainQueryNumbers } from '../query-numbers'
import type { ReadFilterParser } from '../read-filter'
import { datasetReadHandler } from '../read-handler'
import { readQuerySchema } from '../read-query'
import type { ApiServices } from '../services'

/** What sets one dataset's read route apart; the rest is the same for every dataset. */
export interface DatasetRoute {
  /** The OpenAPI `operationId`: camelCase, unique, stable (clients generate method names from it). */
  operationId: string
  /** The Fastify path, e.g. `/v1/spot/:exchange/:symbol`. */
  path: string
  tag: Tag
  summary: string
  description: string
  /**
   * Schemas of the path params. They document: validation is the dataset's `parseParams`, so a
   * 400 names the param. @defaultValue none (a route without path params)
   */
  params?: TObject
  /** The route's own query params, beside those of every read (`readQuerySchema`). */
  query?: TProperties
  /** Dataset params taken from the query string: part of the key (see DatasetReadOptions). */
  queryParams?: readonly string[]
  /** Read-time filters or view (not part of the key). @defaultValue the stored bytes as-is */
  filter?: ReadFilterParser
  /** The 200 body. @defaultValue the dataset's value schema, described as stored byte for byte */
  response?: { schemaId?: string; description?: string }
  /** @defaultValue READ_ERRORS, or PUSHED_READ_ERRORS for a pushed dataset */
  errors?: readonly ErrorCode[]
}

/** Registers `route` for `dataset`, answered by the one `datasetReadHandler`. */
export function registerDatasetRoute(
  app: Parameters<FastifyPluginAsyncTypebox>[0],
  services: ApiServices,
  dataset: AnyDataset,
  route: DatasetRoute,
): void {
  const pushed = isPushed(dataset)
  const querystring = readQuerySchema(services.config, route.query, { fills: !pushed })
  const access = pushed
    ? { security: NoSecurity, errors: route.errors ?? PUSHED_READ_ERRORS }
    : readAccess(services.config.freshRequiresKey, route.errors ?? READ_ERRORS)
  app.get(
    route.path,
    {
      // Large values are stored gzipped and sent as stored; nothing is compressed per request,
      // and a GET has no body to decompress (so no hook of the plugin runs on a read).
      compress: false,
      decompress: false,
      // A plain L1 hit may be answered before Fastify (`HitFastLane`), unless the route has a
      // read-time view or its entries turn stale with an input, which only the full path applies.
      config: route.filter || dataset.staleWhen ? {} : { hitFastLane: dataset },
      preValidation: plainQueryNumbers(querystring),
      schema: {
        operationId: route.operationId,
        tags: [route.tag],
        summary: route.summary,
        description: route.description,
        security: access.security,
        ...(route.params ? { params: route.params } : {}),
        querystring,
        response: dataResponses(
          route.response?.schemaId ?? dataset.value.$id!,
          access.errors,
          route.response?.description,
        ),
      },
    },
    datasetReadHandler(services, dataset, {
      ...(route.queryParams ? { queryParams: route.queryParams } : {}),
      ...(route.filter ? { filter: route.filter } : {}),
    }),
  )
}

/**
 * Who may read: anyone, but `fresh=true` needs a key with the write scope (401/403 otherwise)
 * unless FRESH_REQUIRES_KEY=false, which opens it to all and leaves those statuses out.
 */
function readAccess(freshRequiresKey: boolean, errors: readonly ErrorCode[]) {
  if (freshRequiresKey) return { security: optionalKeySecurity('write'), errors }
  return {
    security: NoSecurity,
    errors: errors.filter((code) => code !== 'UNAUTHORIZED' && code !== 'FORBIDDEN'),
  }
}
