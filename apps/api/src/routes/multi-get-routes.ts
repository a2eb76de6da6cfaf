import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { coin } from '@marketcache/shared/datasets/coin'
import { parseCoinId } from '@marketcache/shared/datasets/coin-id'
import { spot } from '@marketcache/shared/datasets/spot'
import { parseExchange, parseSymbol } from '@marketcache/shared/exchanges'
import { Type } from '@sinclair/typebox'
import { batched, MULTI_GET_MAX_IDS, parseNameList } from '../multi-read'
import { Tag } from '../openapi'
import { exchangeParam } from '../path-params'
import type { ApiServices } from '../services'
import { type MultiGetRoute, registerMultiGetRoute } from './multi-get-route'

/** Every multi-get: many entries of one dataset per request, all its misses in one fetch. */
export const MULTI_GET_ROUTES: readonly MultiGetRoute[] = [
  {
    operationId: 'getCoins',
    path: '/v1/coins',
    tag: Tag.coins,
    summary: 'Market data for many coins',
    description:
      `Up to ${MULTI_GET_MAX_IDS} distinct ids. Missing ids are fetched in one batch; the ` +
      'request waits for them together up to `wait` ms, and reports the rest as PENDING.',
    dataset: batched(coin),
    list: { name: 'ids', description: 'Comma-separated coin ids, e.g. bitcoin,ethereum' },
    field: { name: 'id', description: 'The canonical (lowercase) coin id.' },
    items: (_path, list) =>
      parseNameList(list, 'ids', parseCoinId).map((id) => ({ name: id, params: { id } })),
  },
  {
    operationId: 'getSpots',
    path: '/v1/spot/:exchange',
    tag: Tag.spot,
    summary: 'Last prices and quotes of many pairs or stocks',
    description:
      `Up to ${MULTI_GET_MAX_IDS} distinct symbols of one exchange, each named once. Missing ` +
      'ones are fetched together: one Bybit tickers call, or one round of IBKR snapshots; the ' +
      'request waits for them up to `wait` ms, and reports the rest as PENDING.',
    params: Type.Object({ exchange: exchangeParam('spot') }),
    dataset: batched(spot),
    list: {
      name: 'symbols',
      description: 'Comma-separated symbols, e.g. AAPL,MSFT on ibkr or BTCUSDT,ETHUSDT on bybit',
    },
    field: { name: 'symbol', description: 'The canonical (uppercase) symbol.' },
    items: (path, list) => {
      const exchange = parseExchange(path.exchange, 'spot') as 'bybit' | 'ibkr'
      const symbol = (part: string, name: string) => parseSymbol(exchange, 'spot', part, name)
      return parseNameList(list, 'symbols', symbol, 'reject').map((name) => ({
        name,
        params: { exchange, symbol: name },
      }))
    },
  },
]

/** Every multi-get route, from the table. */
export const multiGetRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (
  app,
  { services },
) => {
  for (const route of MULTI_GET_ROUTES) registerMultiGetRoute(app, services, route)
}
