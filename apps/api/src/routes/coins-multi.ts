import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox'
import { errorResponses } from '../errors'
import { ItemStatus, MULTI_GET_MAX_IDS, parseIdList, readCoins } from '../multi-read'
import { NoSecurity, Tag } from '../openapi'
import { plainQueryNumbers } from '../query-numbers'
import type { ApiServices } from '../services'

const MultiItem = Type.Object({
  id: Type.String({ description: 'The canonical (lowercase) coin id.' }),
  status: Type.Union(
    Object.values(ItemStatus).map((status) => Type.Literal(status)),
    {
      description:
        'HIT/STALE: from cache. MISS: fetched for this request. NOT_FOUND: the provider does not ' +
        'know it. PENDING: still being fetched; poll jobId.',
    },
  ),
  data: Type.Union([Type.Ref('Coin'), Type.Null()]),
  jobId: Type.Optional(Type.String({ description: 'PENDING only: the fetch to poll.' })),
  error: Type.Optional(
    Type.String({
      description: 'STALE only, after a failed refresh: why it failed (X-Cache-Error).',
    }),
  ),
})

/** `GET /v1/coins?ids=a,b`: per-item status, one batched fetch for everything missing. */
export const coinsMultiRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (
  app,
  { services },
) => {
  const { config } = services
  const querystring = Type.Object({
    ids: Type.String({ description: 'Comma-separated coin ids, e.g. bitcoin,ethereum' }),
    wait: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: config.readWaitMaxMs,
        description: `How long to wait for missing ids, in ms (default ${config.readWaitMs}).`,
      }),
    ),
    maxStaleness: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Seconds; older data counts as missing.' }),
    ),
  })
  app.get(
    '/v1/coins',
    {
      preValidation: plainQueryNumbers(querystring),
      schema: {
        operationId: 'getCoins',
        tags: [Tag.coins],
        summary: 'Market data for many coins',
        security: NoSecurity,
        description:
          `Up to ${MULTI_GET_MAX_IDS} distinct ids. Missing ids are fetched in one batch; the ` +
          'request waits for them together up to `wait` ms, and reports the rest as PENDING.',
        querystring,
        response: {
          200: Type.Unsafe<unknown>(
            Type.Object(
              { items: Type.Array(MultiItem) },
              {
                description: 'One item per distinct id, in request order.',
                headers: { 'Cache-Control': { type: 'string', description: 'no-store' } },
              },
            ),
          ),
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
      const ids = parseIdList(request.query.ids)
      const { wait, maxStaleness } = request.query
      const body = await readCoins(services, ids, {
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
