import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { Answer, ProviderGate } from '../gate'
import { param, type Query } from '../query'
import { type BybitMarkets, instrumentsAnswer, klineAnswer, tickersAnswer } from './answers'
import { paramsError } from './envelope'
import { optionBaseCoinsAnswer } from './option-base-coins'
import { ParamsError } from './params'

/** Route templates as stats name them: Bybit's documented paths. */
export const BYBIT_ENDPOINTS = {
  instruments: '/v5/market/instruments-info',
  tickers: '/v5/market/tickers',
  kline: '/v5/market/kline',
  optionBaseCoins: '/v5/market/option-base-coins',
} as const

export interface BybitRoutesOptions {
  readonly gate: ProviderGate
  readonly markets: BybitMarkets
  readonly now: () => number
}

type MarketAnswer = (markets: BybitMarkets, query: Query, now: number) => Answer

/** Bybit V5 market data, registered under the `/v5/market` prefix. */
export const bybitRoutes: FastifyPluginAsync<BybitRoutesOptions> = async (app, opts) => {
  const { gate, markets, now } = opts
  const serve = (
    request: FastifyRequest,
    reply: FastifyReply,
    endpoint: string,
    answer: MarketAnswer,
  ) => {
    const query = request.query as Query
    // Stats count the instrument the caller named: a symbol, else a base coin.
    const named = param(query, 'symbol') ?? param(query, 'baseCoin')
    const call = {
      endpoint,
      coins: [],
      symbols: named === undefined ? [] : [named],
      withApiKey: Boolean(request.headers['x-bapi-api-key']),
      rateLimited: true,
    }
    return gate.serve(reply, call, () => {
      const at = now()
      try {
        return answer(markets, query, at)
      } catch (error) {
        if (error instanceof ParamsError) return paramsError(error.message, at)
        throw error
      }
    })
  }

  app.get('/instruments-info', (request, reply) =>
    serve(request, reply, BYBIT_ENDPOINTS.instruments, instrumentsAnswer),
  )
  app.get('/tickers', (request, reply) =>
    serve(request, reply, BYBIT_ENDPOINTS.tickers, tickersAnswer),
  )
  app.get('/kline', (request, reply) => serve(request, reply, BYBIT_ENDPOINTS.kline, klineAnswer))
  app.get('/option-base-coins', (request, reply) =>
    serve(request, reply, BYBIT_ENDPOINTS.optionBaseCoins, (_markets, query, at) =>
      optionBaseCoinsAnswer(query, at),
    ),
  )
}
