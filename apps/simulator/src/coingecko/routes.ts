import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import type { ProviderCall, ProviderGate } from '../gate'
import { list, type Query } from '../query'
import { coinDetailAnswer } from './coin-detail'
import { coinsListAnswer } from './coins-list'
import type { Market } from './market'
import { marketsAnswer } from './markets-page'
import { ohlcAnswer } from './ohlc'
import { simplePriceAnswer } from './simple-price'

/** Route templates as stats name them: CoinGecko's documented paths without `/api/v3`. */
export const COINGECKO_ENDPOINTS = {
  ping: '/ping',
  coin: '/coins/{id}',
  ohlc: '/coins/{id}/ohlc',
  markets: '/coins/markets',
  list: '/coins/list',
  simplePrice: '/simple/price',
} as const

export interface CoinGeckoRoutesOptions {
  readonly gate: ProviderGate
  readonly market: Market
  readonly now: () => number
}

/** CoinGecko accepts keys as headers or query parameters; keys are recorded, never required. */
const KEY_HEADERS = ['x-cg-demo-api-key', 'x-cg-pro-api-key'] as const
const KEY_PARAMS = ['x_cg_demo_api_key', 'x_cg_pro_api_key'] as const

function carriesApiKey(request: FastifyRequest): boolean {
  const query = request.query as Query
  return (
    KEY_HEADERS.some((header) => Boolean(request.headers[header])) ||
    KEY_PARAMS.some((name) => Boolean(query[name]))
  )
}

/** CoinGecko API v3, registered under the `/api/v3` prefix. */
export const coingeckoRoutes: FastifyPluginAsync<CoinGeckoRoutesOptions> = async (app, opts) => {
  const { gate, market, now } = opts
  const call = (
    request: FastifyRequest,
    endpoint: string,
    coins: readonly string[],
  ): ProviderCall => ({
    endpoint,
    coins,
    withApiKey: carriesApiKey(request),
    // Health checks are polled; letting them eat quota would starve real calls.
    rateLimited: endpoint !== COINGECKO_ENDPOINTS.ping,
  })

  app.get('/ping', (request, reply) =>
    gate.serve(reply, call(request, COINGECKO_ENDPOINTS.ping, []), () => ({
      status: 200,
      body: { gecko_says: '(V3) To the Moon!' },
    })),
  )

  // Registered before `/coins/:id` for readability; the router prefers static paths anyway.
  app.get('/coins/markets', (request, reply) => {
    const query = request.query as Query
    return gate.serve(reply, call(request, COINGECKO_ENDPOINTS.markets, list(query, 'ids')), () =>
      marketsAnswer(market, market.snapshotAt(now()), query),
    )
  })

  app.get('/coins/list', (request, reply) => {
    const includePlatform = (request.query as Query).include_platform === 'true'
    return gate.serve(reply, call(request, COINGECKO_ENDPOINTS.list, []), () =>
      coinsListAnswer(market, includePlatform),
    )
  })

  app.get<{ Params: { id: string } }>('/coins/:id', (request, reply) => {
    const { id } = request.params
    return gate.serve(reply, call(request, COINGECKO_ENDPOINTS.coin, [id]), () =>
      coinDetailAnswer(market, market.snapshotAt(now()), id, request.query as Query),
    )
  })

  app.get<{ Params: { id: string } }>('/coins/:id/ohlc', (request, reply) => {
    const { id } = request.params
    return gate.serve(reply, call(request, COINGECKO_ENDPOINTS.ohlc, [id]), () => {
      const at = now()
      return ohlcAnswer(market, market.snapshotAt(at), id, request.query as Query, at)
    })
  })

  app.get('/simple/price', (request, reply) => {
    const query = request.query as Query
    return gate.serve(
      reply,
      call(request, COINGECKO_ENDPOINTS.simplePrice, list(query, 'ids')),
      () => simplePriceAnswer(market.snapshotAt(now()), query),
    )
  })
}
