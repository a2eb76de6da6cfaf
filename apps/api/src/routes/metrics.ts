import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox'
import { Scope } from '../api-keys'
import type { ApiKeyAuth } from '../auth'
import { errorResponses } from '../errors'
import type { ApiMetrics } from '../metrics'
import { keySecurity, NoSecurity, Tag } from '../openapi'

/**
 * `GET /metrics`: this process's Prometheus metrics. Open by default, like `/health`: the labels
 * carry no ids, keys or secrets, and scrapers rarely send credentials. `requireKey` (config
 * `METRICS_REQUIRE_KEY`) asks for a key with the admin scope instead.
 */
export const metricsRoutes: FastifyPluginAsyncTypebox<{
  metrics: ApiMetrics
  auth: ApiKeyAuth
  requireKey: boolean
}> = async (app, { metrics, auth, requireKey }) => {
  app.get(
    '/metrics',
    {
      ...(requireKey ? { onRequest: auth.require(Scope.admin) } : {}),
      schema: {
        operationId: 'getMetrics',
        tags: [Tag.health],
        summary: 'Prometheus metrics of this API process (text exposition format 0.0.4)',
        description:
          'Reads by dataset and outcome, request durations by route, the age of the data served, ' +
          'and the process metrics; each replica reports its own. Open unless METRICS_REQUIRE_KEY ' +
          'is set, which asks for a key with the admin scope. Not rate limited.',
        security: requireKey ? keySecurity(Scope.admin) : NoSecurity,
        response: {
          200: {
            description: 'Prometheus text: `text/plain; version=0.0.4; charset=utf-8`.',
            content: { 'text/plain': { schema: Type.String() } },
          },
          ...errorResponses(requireKey ? ['UNAUTHORIZED', 'FORBIDDEN'] : []),
        },
      },
    },
    async (_request, reply) => {
      const text = await metrics.registry.metrics()
      return reply.type(metrics.registry.contentType).send(text)
    },
  )
}
