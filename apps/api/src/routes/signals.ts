import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox'
import { signal } from '@marketcache/shared/datasets/signal'
import { InvalidParamError } from '@marketcache/shared/errors'
import { sendEnvelope } from '../http-cache'
import { dataResponses, NoSecurity, PUSHED_READ_ERRORS, Tag } from '../openapi'
import { plainQueryNumbers } from '../query-numbers'
import type { ApiServices } from '../services'
import { readSignalList, SignalListResponse } from '../signal-list'

/** Most signals one list answers; `limit` picks fewer. */
const SIGNAL_LIST_MAX = 500
const SIGNAL_LIST_DEFAULT = 100

/** `GET /v1/signals?symbol=AAPL`: a symbol's active signals, from the writer's index. */
export const signalListRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (
  app,
  { services },
) => {
  const querystring = Type.Object({
    symbol: Type.String({
      description: 'e.g. AAPL: 1-64 of A-Z a-z 0-9 . _ - (case-insensitive).',
    }),
    active: Type.Optional(
      Type.Boolean({
        description:
          'Only `true` (the default): a signal is cached until its expires_at and no longer, ' +
          'so expired signals cannot be listed.',
      }),
    ),
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: SIGNAL_LIST_MAX,
        description: `At most this many signals (default ${SIGNAL_LIST_DEFAULT}).`,
      }),
    ),
  })
  app.get(
    '/v1/signals',
    {
      compress: false,
      preValidation: plainQueryNumbers(querystring),
      schema: {
        operationId: 'listSignals',
        tags: [Tag.pushed],
        summary: 'The active signals of a symbol',
        description:
          'Signals pushed for the symbol whose expires_at has not passed, soonest expiry ' +
          'first. The list has its own ETag (a digest of its members), is fresh until its first ' +
          'member expires (Cache-Control), and X-Data-As-Of is its newest asOf.',
        security: NoSecurity,
        querystring,
        response: dataResponses(
          SignalListResponse.$id as string,
          PUSHED_READ_ERRORS.filter((code) => code !== 'NOT_FOUND'),
          'The active signals; an empty list when there are none.',
        ),
      },
    },
    async (request, reply) => {
      const { symbol, active, limit } = request.query
      if (active === false) {
        throw new InvalidParamError(
          'active',
          'active=false is not supported: a signal is cached until it expires, and no longer',
        )
      }
      const list = await readSignalList(services, symbol, limit ?? SIGNAL_LIST_DEFAULT)
      services.telemetry.served(signal.name, list.envelope)
      return sendEnvelope(request, reply, list.status, list.envelope)
    },
  )
}
