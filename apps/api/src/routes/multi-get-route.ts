import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox'
import type { TObject } from '@sinclair/typebox'
import { errorResponses } from '../errors'
import { type BatchedDataset, ItemStatus, type MultiItem, readMany } from '../multi-read'
import { NoSecurity, type Tag } from '../openapi'
import { plainQueryNumbers } from '../query-numbers'
import type { ApiServices } from '../services'

/** What sets one multi-get route apart; reading, waiting and the body are the same for all. */
export interface MultiGetRoute {
  /** The OpenAPI `operationId` (pinned: clients generate method names from it). */
  operationId: string
  path: string
  tag: Tag
  summary: string
  description: string
  /** Schemas of the path params; they document, `items` validates. @defaultValue none */
  params?: TObject
  dataset: BatchedDataset
  /** The query parameter that carries the comma-separated list, e.g. `ids`. */
  list: { name: string; description: string }
  /** What the body calls an item's name, e.g. `id`, and what that name is. */
  field: { name: string; description: string }
  /** The request's items from its path params and list, validated: a 400 before any key exists. */
  items(path: Readonly<Record<string, string>>, list: string): MultiItem[]
}

/** The body: one item per distinct name, in request order, with its own status. */
function itemsResponse(route: MultiGetRoute) {
  const item = Type.Object({
    [route.field.name]: Type.String({ description: route.field.description }),
    status: Type.Union(
      Object.values(ItemStatus).map((status) => Type.Literal(status)),
      {
        description:
          'HIT/STALE: from cache. MISS: fetched for this request. NOT_FOUND: the provider does ' +
          'not know it. PENDING: still being fetched; poll jobId.',
      },
    ),
    data: Type.Union([Type.Ref(route.dataset.value.$id as string), Type.Null()]),
    jobId: Type.Optional(Type.String({ description: 'PENDING only: the fetch to poll.' })),
    error: Type.Optional(
      Type.String({
        description: 'STALE only, after a failed refresh: why it failed (X-Cache-Error).',
      }),
    ),
  })
  return Type.Unsafe<unknown>(
    Type.Object(
      { items: Type.Array(item) },
      {
        description: `One item per distinct ${route.field.name}, in request order.`,
        headers: { 'Cache-Control': { type: 'string', description: 'no-store' } },
      },
    ),
  )
}

/** Registers `route`, answered by the one multi-get engine (`readMany`). */
export function registerMultiGetRoute(
  app: Parameters<FastifyPluginAsyncTypebox>[0],
  services: ApiServices,
  route: MultiGetRoute,
): void {
  const { config } = services
  const querystring = Type.Object({
    [route.list.name]: Type.String({ description: route.list.description }),
    wait: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: config.readWaitMaxMs,
        description: `How long to wait for missing items, in ms (default ${config.readWaitMs}).`,
      }),
    ),
    maxStaleness: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Seconds; older data counts as missing.' }),
    ),
  })
  app.get(
    route.path,
    {
      preValidation: plainQueryNumbers(querystring),
      schema: {
        operationId: route.operationId,
        tags: [route.tag],
        summary: route.summary,
        security: NoSecurity,
        description: route.description,
        ...(route.params ? { params: route.params } : {}),
        querystring,
        response: {
          200: itemsResponse(route),
          ...errorResponses([
            'UNKNOWN_PARAMETER',
            'INVALID_PARAMS',
            'TOO_MANY_IDS',
            'OVERLOADED',
            'RATE_LIMITED',
            'BACKEND_UNAVAILABLE',
          ]),
        },
      },
    },
    async (request, reply) => {
      const query = request.query as Record<string, unknown>
      const { wait, maxStaleness } = query as { wait?: number; maxStaleness?: number }
      const path = (request.params ?? {}) as Record<string, string>
      const items = route.items(path, String(query[route.list.name]))
      const read = { dataset: route.dataset, field: route.field.name, items }
      const body = await readMany(services, read, {
        waitMs: wait ?? config.readWaitMs,
        ...(maxStaleness === undefined ? {} : { maxStalenessMs: maxStaleness * 1000 }),
        log: request.log,
        admitMisses: () => services.rateLimits.admitCostly(request),
      })
      return reply
        .header('cache-control', 'no-store')
        .type('application/json; charset=utf-8')
        .send(body)
    },
  )
}
