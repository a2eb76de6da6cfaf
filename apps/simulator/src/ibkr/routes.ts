import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { ConditionsState } from '../conditions'
import type { Answer, ProviderGate } from '../gate'
import { list, param, type Query } from '../query'
import { isPlainObject } from '../rules'
import type { IbkrCatalog } from './catalog'
import { ibkrError } from './failures'
import { type HistoryDeps, historyAnswer } from './history'
import { infoAnswer, searchAnswer, strikesAnswer } from './secdef'
import { type SnapshotDeps, snapshotAnswer } from './snapshot'

/** Route templates as stats name them: the gateway's paths without `/v1/api`. */
export const IBKR_ENDPOINTS = {
  authStatus: '/iserver/auth/status',
  search: '/iserver/secdef/search',
  strikes: '/iserver/secdef/strikes',
  info: '/iserver/secdef/info',
  snapshot: '/iserver/marketdata/snapshot',
  history: '/iserver/marketdata/history',
} as const

export interface IbkrRoutesOptions {
  readonly gate: ProviderGate
  readonly conditions: ConditionsState
  readonly catalog: IbkrCatalog
  readonly snapshot: SnapshotDeps
  readonly history: HistoryDeps
  readonly now: () => number
}

type IbkrAnswer = (query: Query, now: number) => Answer

type Serve = (
  request: FastifyRequest,
  reply: FastifyReply,
  endpoint: string,
  symbols: (query: Query) => string[],
  answer: IbkrAnswer,
) => unknown

/** Answers one call through the gate; an unauthenticated session gets 401 but on the status check. */
function ibkrServe({ gate, conditions, now }: IbkrRoutesOptions): Serve {
  return (request, reply, endpoint, symbols, answer) => {
    // secdef/search also comes as a POST with a JSON body; read it like a query.
    const query = {
      ...(request.query as Query),
      ...(isPlainObject(request.body) ? stringify(request.body) : {}),
    }
    const call = {
      endpoint,
      coins: [],
      symbols: symbols(query),
      withApiKey: false,
      rateLimited: true,
    }
    return gate.serve(reply, call, () => {
      const authenticated = conditions.current.ibkr.authenticated
      if (!authenticated && endpoint !== IBKR_ENDPOINTS.authStatus) {
        return ibkrError(401, 'not authenticated')
      }
      return answer(query, now())
    })
  }
}

/** `/iserver/auth/status`: the session as the switches say it is. */
function authStatusAnswer(conditions: IbkrRoutesOptions['conditions']): IbkrAnswer {
  return () => ({
    status: 200,
    body: {
      authenticated: conditions.current.ibkr.authenticated,
      competing: false,
      connected: true,
      message: '',
      MAC: '00:00:5E:00:53:01',
      serverInfo: { serverName: 'SimGateway', serverVersion: 'Build 10.30.1, simulated' },
      fail: '',
    },
  })
}

const conid = (query: Query) => {
  const value = param(query, 'conid')
  return value === undefined ? [] : [value]
}
const none = () => []
const searchSymbol = (query: Query) => {
  const symbol = param(query, 'symbol')
  return symbol === undefined ? [] : [symbol.toUpperCase()]
}

/**
 * The IBKR Client Portal Web API, registered under `/v1/api`. With the session switched to
 * unauthenticated, every `/iserver` route but the status check answers 401, as the gateway does.
 */
export const ibkrRoutes: FastifyPluginAsync<IbkrRoutesOptions> = async (app, opts) => {
  const { conditions, catalog, snapshot, history } = opts
  const serve = ibkrServe(opts)
  const authStatus = authStatusAnswer(conditions)
  for (const method of ['GET', 'POST'] as const) {
    app.route({
      method,
      url: '/iserver/auth/status',
      handler: (request, reply) =>
        serve(request, reply, IBKR_ENDPOINTS.authStatus, none, authStatus),
    })
    app.route({
      method,
      url: '/iserver/secdef/search',
      handler: (request, reply) =>
        serve(request, reply, IBKR_ENDPOINTS.search, searchSymbol, (query, at) =>
          searchAnswer(catalog, query, at),
        ),
    })
  }
  app.get('/iserver/secdef/strikes', (request, reply) =>
    serve(request, reply, IBKR_ENDPOINTS.strikes, conid, (query, at) =>
      strikesAnswer(catalog, query, at),
    ),
  )
  app.get('/iserver/secdef/info', (request, reply) =>
    serve(request, reply, IBKR_ENDPOINTS.info, conid, (query, at) =>
      infoAnswer(catalog, query, at),
    ),
  )
  app.get('/iserver/marketdata/snapshot', (request, reply) =>
    serve(
      request,
      reply,
      IBKR_ENDPOINTS.snapshot,
      (query) => list(query, 'conids'),
      (query, at) => snapshotAnswer(snapshot, query, at),
    ),
  )
  app.get('/iserver/marketdata/history', (request, reply) =>
    serve(request, reply, IBKR_ENDPOINTS.history, conid, (query, at) =>
      historyAnswer(history, query, at),
    ),
  )
}

/** A JSON body's scalar fields as query-string values. */
function stringify(body: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(body).flatMap(([key, value]) =>
      ['string', 'number', 'boolean'].includes(typeof value) ? [[key, String(value)]] : [],
    ),
  )
}
