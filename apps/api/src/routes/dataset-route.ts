import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AnyDataset } from '@marketcache/shared/dataset'
import type { ErrorCode } from '@marketcache/shared/errors'
import type { TObject, TProperties } from '@sinclair/typebox'
import { dataResponses, READ_ERRORS, type Tag } from '../openapi'
import { plainQueryNumbers } from '../query-numbers'
import type { ReadFilterParser } from '../read-filter'
import { datasetReadHandler } from '../read-handler'
import { readQuerySchema } from '../read-query'
import type { ApiServices } from '../services'

/** What sets one dataset's read route apart; the rest is the same for every dataset. */
export interface DatasetRoute {
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
  /** @defaultValue READ_ERRORS */
  errors?: readonly ErrorCode[]
}

/** Registers `route` for `dataset`, answered by the one `datasetReadHandler`. */
export function registerDatasetRoute(
  app: Parameters<FastifyPluginAsyncTypebox>[0],
  services: ApiServices,
  dataset: AnyDataset,
  route: DatasetRoute,
): void {
  const querystring = readQuerySchema(services.config, route.query)
  app.get(
    route.path,
    {
      preValidation: plainQueryNumbers(querystring),
      schema: {
        tags: [route.tag],
        summary: route.summary,
        description: route.description,
        ...(route.params ? { params: route.params } : {}),
        querystring,
        response: dataResponses(
          route.response?.schemaId ?? dataset.value.$id!,
          route.errors ?? READ_ERRORS,
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
