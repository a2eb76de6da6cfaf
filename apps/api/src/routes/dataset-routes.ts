import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox'
import type { AnyDataset } from '@marketcache/shared/dataset'
import { CatalogName } from '@marketcache/shared/datasets/catalog'
import { Market } from '@marketcache/shared/markets'
import { type DatasetName, datasets } from '@marketcache/shared/registry'
import { BACKTEST_QUERY_PARAMS, BacktestQuery } from '../backtest-params'
import { ChainFilterQuery, chainReadFilter } from '../chain-filters'
import { CollarQuery, CollarResponse, collarReadFilter } from '../collar-view'
import { lastCandles, OhlcvQuery } from '../ohlcv-query'
import { Tag } from '../openapi'
import { exchangeParam, exchangeSymbolPath, symbolParam } from '../path-params'
import type { ApiServices } from '../services'
import { type DatasetRoute, registerDatasetRoute } from './dataset-route'

/** Validation is the dataset's `parseParams` (so the 400 names the param), not the schema's. */
const CoinPath = Type.Object({
  id: Type.String({
    description: 'CoinGecko coin id, e.g. bitcoin: 1-64 of A-Z a-z 0-9 . _ - (case-insensitive).',
  }),
})

const UnderlyingPath = exchangeSymbolPath('underlying', 'underlying', 'The underlying')

/**
 * The read route of every dataset, one entry each; `registerDatasetRoute` builds them all alike.
 * Typed by dataset name, so a dataset without its route does not compile.
 */
export const DATASET_ROUTES: Record<DatasetName, DatasetRoute> = {
  coin: {
    operationId: 'getCoin',
    path: '/v1/coins/:id',
    tag: Tag.coins,
    summary: 'Market data for one coin (USD)',
    description:
      'Served from cache. A miss enqueues a fetch and waits up to `wait` ms for it; past that, ' +
      '503 FILL_PENDING with the job id.',
    params: CoinPath,
  },
  tokenomics: {
    operationId: 'getCoinTokenomics',
    path: '/v1/coins/:id/tokenomics',
    tag: Tag.coins,
    summary: 'Supply figures for one coin',
    description: 'Filled by the same provider call as the coin itself.',
    params: CoinPath,
  },
  spot: {
    operationId: 'getSpot',
    path: '/v1/spot/:exchange/:symbol',
    tag: Tag.spot,
    summary: 'Last price and quote of a spot pair or stock',
    description:
      'Bybit spot pairs (BTCUSDT) and US stocks through Interactive Brokers (AAPL). For a ' +
      'closed stock market `price` is the previous close.',
    params: exchangeSymbolPath('spot', 'symbol', 'The instrument'),
  },
  quote: {
    operationId: 'getQuote',
    path: '/v1/quotes/:exchange/:conid',
    tag: Tag.quotes,
    summary: 'Quote of one contract (stock or option) by IBKR contract id',
    description:
      'Any contract IBKR has qualified: a stock (265598 is AAPL) or an option (its conid from ' +
      '`/v1/instruments/ibkr/{underlying}`). One snapshot gives last, bid, ask, sizes, the ' +
      "day's high, low and volume, and for an option its greeks, IV and open interest. A conid " +
      'IBKR does not know is 404 NOT_FOUND, remembered for a minute.',
    params: Type.Object({
      exchange: exchangeParam('contract'),
      conid: symbolParam('contract', 'The contract'),
    }),
  },
  instruments: {
    operationId: 'getInstruments',
    path: '/v1/instruments/:exchange/:underlying',
    tag: Tag.instruments,
    summary: 'Option contracts listed on an underlying',
    description:
      "Every listed contract with the exchange's own id (Bybit symbol, IBKR conid), strike, " +
      'right and expiry, and the distinct expiries.',
    params: UnderlyingPath,
  },
  'option-chain': {
    operationId: 'getOptionChain',
    path: '/v1/options/:exchange/:underlying/chain',
    tag: Tag.options,
    summary: 'Option chain of an underlying: expiries, strikes, calls and puts',
    description:
      'The whole chain is cached once per underlying; `expiry`, `minDays`, `maxDays`, ' +
      '`minStrike`, `maxStrike` and `right` select a subset at read time (expiries and strikes ' +
      'left empty are dropped). Without filters the stored bytes are sent as they are; with ' +
      'them the response has its own weak ETag per version and filter set.',
    params: UnderlyingPath,
    query: ChainFilterQuery,
    filter: chainReadFilter,
    response: {
      description:
        'The cached chain: as stored without filters, else the subset the filters select.',
    },
  },
  'options-summary': {
    operationId: 'getOptionsSummary',
    path: '/v1/options/:exchange/:underlying/summary',
    tag: Tag.analytics,
    summary: 'Options positioning and volatility of an underlying, per expiry',
    description:
      'Derived by the worker from the cached chain: put/call open-interest and volume ' +
      'ratios, ATM IV, 25-delta risk reversal and butterfly, max pain, and the ATM term ' +
      'structure. Sent as stored.',
    params: UnderlyingPath,
  },
  ohlcv: {
    operationId: 'getOhlcv',
    path: '/v1/ohlcv/:exchange/:symbol',
    tag: Tag.ohlcv,
    summary: 'Candles (open, high, low, close, volume) of a pair, coin or stock',
    description:
      'One cached series per exchange, symbol and `interval`, ascending by open time. ' +
      '`limit` keeps the last N candles at read time (own weak ETag). A series stays fresh ' +
      'for at most one interval, and at most an hour: `ibkr` stocks (regular-hours bars from ' +
      "the Client Portal's history, hourly about a month, daily about a year) are fresh an " +
      'hour in both intervals.',
    params: exchangeSymbolPath('candles', 'symbol', 'The series'),
    query: OhlcvQuery,
    queryParams: ['interval'],
    filter: lastCandles,
    response: {
      description: 'The cached series: as stored without `limit`, else its last `limit` candles.',
    },
  },
  catalog: {
    operationId: 'getCatalog',
    path: '/v1/catalogs/:name',
    tag: Tag.catalogs,
    summary: 'Every id a provider lists',
    description:
      "A provider's own id list, refreshed by the worker hourly and at start (`coingecko-coins`: " +
      "CoinGecko's /coins/list; `bybit-spot`: Bybit's spot pairs; `bybit-options`: the base " +
      'coins Bybit lists options on). Once it is cached, a read of an id it lacks answers 404 ' +
      'NOT_FOUND without a provider call.',
    params: Type.Object({
      name: Type.String({
        enum: Object.values(CatalogName),
        description: `One of ${Object.values(CatalogName).join(', ')}.`,
      }),
    }),
  },
  'market-status': {
    operationId: 'getMarketStatus',
    path: '/v1/market-status/:market',
    tag: Tag.market,
    summary: 'Whether a market is open, and its next session',
    description:
      'Derived from the exchange calendar (holidays, early closes); crypto is always open.',
    params: Type.Object({
      market: Type.String({
        enum: Object.values(Market),
        description: `One of ${Object.values(Market).join(', ')}.`,
      }),
    }),
  },
  collar: {
    operationId: 'getCryptoCollars',
    path: '/v1/crypto-collar',
    tag: Tag.analytics,
    summary: 'Protective collars of an underlying, ranked',
    description:
      'Computed by the worker from the cached option chain and spot; every valid ' +
      'put/call combination is cached once per underlying. `moneyness`, `min_days`, ' +
      '`max_days`, `min_gain_to_risk`, `sort` and `limit` select and order them at read time, ' +
      'by default the 100 out-of-the-money collars of best score; `group` organises them by ' +
      'protection bucket or by expiry. The answer is always this view (weak ETag per version ' +
      'and filter set), never the stored set. ' +
      'A fresh set is served STALE (and recomputed) once the cached spot has moved more than ' +
      'COLLAR_SPOT_MOVE_PCT (default 5 %) from the spot it was computed with.',
    query: CollarQuery,
    queryParams: ['underlying', 'exchange'],
    filter: collarReadFilter,
    response: {
      schemaId: CollarResponse.$id!,
      description: 'The selected collars, flat or grouped, with the metadata of the cached set.',
    },
  },
  backtest: {
    operationId: 'getBacktest',
    path: '/v1/backtests',
    tag: Tag.analytics,
    summary: 'RSI mean-reversion backtest of a pair on cached candles',
    description:
      'Every parameter is part of the key: defaults are applied and the set canonicalised ' +
      'before it is hashed, so `?symbol=btcusdt` and `?rsi_period=14&symbol=BTCUSDT` share ' +
      'one entry (and one job). A miss runs the backtest on the worker and waits up to ' +
      '`wait` ms; `fresh=true` reruns it. Sent as stored.',
    query: {
      ...BacktestQuery,
      // The one strategy there is; named so a client asking for another gets a 400, not RSI.
      strategy: Type.Optional(
        Type.Literal('rsi', { description: 'The strategy to backtest: `rsi` (the only one).' }),
      ),
    },
    queryParams: BACKTEST_QUERY_PARAMS,
  },
  signal: {
    operationId: 'getSignal',
    path: '/v1/signals/:id',
    tag: Tag.pushed,
    summary: 'One trading signal, as its producer pushed it',
    description:
      'Pushed with POST /v1/push/signal. Fresh until its `expires_at` (at most SIGNAL_MAX_TTL_S), ' +
      'then gone: an absent or expired signal is 404 NOT_FOUND, and nothing is fetched.',
    params: Type.Object({
      id: Type.String({
        description: 'The signal_id: 1-64 of A-Z a-z 0-9 . _ - (case-sensitive).',
      }),
    }),
  },
  analytics: {
    operationId: 'getAnalytics',
    path: '/v1/analytics/:name',
    tag: Tag.pushed,
    summary: 'A named analytics value, as its producer pushed it',
    description:
      'Pushed with POST /v1/push/analytics. Fresh for the TTL of its push (`ttl`, default ' +
      'ANALYTICS_DEFAULT_TTL_S, at most ANALYTICS_MAX_TTL_S), then gone: 404 NOT_FOUND.',
    params: Type.Object({
      name: Type.String({
        description: 'The name: 1-64 of a-z 0-9 . _ - (case-insensitive), e.g. btc.vol-surface.',
      }),
    }),
  },
}

/** Every dataset's read route, from the table. */
export const datasetRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (
  app,
  { services },
) => {
  for (const [name, route] of Object.entries(DATASET_ROUTES)) {
    const dataset: AnyDataset = datasets[name as DatasetName]
    registerDatasetRoute(app, services, dataset, route)
  }
}
