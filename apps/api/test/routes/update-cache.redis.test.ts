import { type AnyDataset, cacheKey } from '@marketcache/shared/dataset'
import { parseBacktestParams } from '@marketcache/shared/datasets/backtest-params'
import { coin } from '@marketcache/shared/datasets/coin'
import { tokenomics } from '@marketcache/shared/datasets/tokenomics'
import { Priority, type QueueName } from '@marketcache/shared/jobs'
import {
  type DatasetName,
  datasetNames,
  datasets,
  pushedDatasetNames,
} from '@marketcache/shared/registry'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { coinData, envelope, storedMeta, writeEntry } from '../fixtures/cache-writer'
import { startTestApp, TestKeys, useTestApp } from '../fixtures/test-app'

const t = useTestApp({}, { beforeEach: 'queues' })

const post = (
  payload: unknown,
  headers: Record<string, string> = { authorization: `Bearer ${TestKeys.writer}` },
) => t.app.inject({ method: 'POST', url: '/v1/update-cache', payload: payload as object, headers })

describe('POST /v1/update-cache', () => {
  it('{coin_id}: one coingecko.coin job, reported for both the coin and tokenomics keys', async () => {
    const response = await post({ coin_id: 'Bitcoin' })
    expect(response.statusCode).toBe(202)
    const { jobs } = response.json()
    expect(jobs).toEqual([
      {
        id: expect.stringMatching(/^coingecko\.\d+$/),
        dataset: 'coin',
        key: cacheKey(t.keys, coin, { id: 'bitcoin' }),
      },
      {
        id: jobs[0].id,
        dataset: 'tokenomics',
        key: cacheKey(t.keys, tokenomics, { id: 'bitcoin' }),
      },
    ])
    const queued = await t.pendingJobs()
    expect(queued).toHaveLength(1)
    expect(queued[0]?.name).toBe('coingecko.coin')
    expect(queued[0]?.data).toEqual({ id: 'bitcoin', origin: 'update' })
    expect(queued[0]?.opts.priority).toBe(Priority.update)
    expect(`coingecko.${queued[0]?.id}`).toBe(jobs[0].id)
  })

  it('{coin_id} twice while the first is pending: the same job id, one job', async () => {
    const first = (await post({ coin_id: 'solana' })).json().jobs[0].id
    const second = (await post({ coin_id: 'solana' }, { 'x-api-key': TestKeys.admin })).json()
      .jobs[0].id
    expect(second).toBe(first)
    expect(await t.pendingJobs()).toHaveLength(1)
  })

  it('{coin_ids}: one markets batch, one item per coin key, deduplicated', async () => {
    const response = await post({ coin_ids: ['bitcoin', 'ethereum', 'BITCOIN', 'solana'] })
    expect(response.statusCode).toBe(202)
    const { jobs } = response.json()
    expect(jobs.map((job: { key: string }) => job.key)).toEqual(
      ['bitcoin', 'ethereum', 'solana'].map((id) => cacheKey(t.keys, coin, { id })),
    )
    expect(new Set(jobs.map((job: { id: string }) => job.id)).size).toBe(1)
    expect(jobs.every((job: { dataset: string }) => job.dataset === 'coin')).toBe(true)
    const queued = await t.pendingJobs()
    expect(queued).toHaveLength(1)
    expect(queued[0]?.name).toBe('coingecko.markets')
    expect(queued[0]?.data).toEqual({ ids: ['bitcoin', 'ethereum', 'solana'], origin: 'update' })
    expect(queued[0]?.opts.priority).toBe(Priority.update)
  })

  it('{coin_ids} with 250 ids is still one batch', async () => {
    const ids = Array.from({ length: 250 }, (_, i) => `coin-${i}`)
    const response = await post({ coin_ids: ids })
    expect(response.statusCode).toBe(202)
    expect(response.json().jobs).toHaveLength(250)
    expect(await t.pendingJobs()).toHaveLength(1)
  })

  it('{popular:true, limit}: one markets job for the top N, key null', async () => {
    const response = await post({ popular: true, limit: 20 })
    expect(response.statusCode).toBe(202)
    expect(response.json().jobs).toEqual([
      { id: expect.stringMatching(/^coingecko\./), dataset: 'coin', key: null },
    ])
    const queued = await t.pendingJobs()
    expect(queued[0]?.name).toBe('coingecko.markets')
    expect(queued[0]?.data).toEqual({ top: 20, origin: 'update' })
    expect(queued[0]?.opts.priority).toBe(Priority.update)
  })

  it('{popular:true} defaults to the top 50', async () => {
    await post({ popular: true })
    expect((await t.pendingJobs())[0]?.data).toEqual({ top: 50, origin: 'update' })
  })
})

interface DatasetCase {
  dataset: DatasetName
  params: Record<string, string>
  queue: QueueName
  job: string
  data: Record<string, unknown>
  /** The canonical params the entry's key is built from. */
  keyParams: Record<string, unknown>
}

const BACKTEST = parseBacktestParams({ symbol: 'ETHUSDT', rsi_period: 21, oversold: 25 })

/** At least one per registered dataset (checked below), with canonicalisation on the way. */
const DATASET_CASES: [string, DatasetCase][] = [
  [
    'coin',
    {
      dataset: 'coin',
      params: { id: 'Bitcoin' },
      queue: 'coingecko',
      job: 'coingecko.coin',
      data: { id: 'bitcoin' },
      keyParams: { id: 'bitcoin' },
    },
  ],
  [
    'tokenomics',
    {
      dataset: 'tokenomics',
      params: { id: 'ethereum' },
      queue: 'coingecko',
      job: 'coingecko.coin',
      data: { id: 'ethereum' },
      keyParams: { id: 'ethereum' },
    },
  ],
  [
    'spot on bybit',
    {
      dataset: 'spot',
      params: { exchange: 'bybit', symbol: 'btcusdt' },
      queue: 'bybit',
      job: 'bybit.spot',
      data: { symbols: ['BTCUSDT'] },
      keyParams: { exchange: 'bybit', symbol: 'BTCUSDT' },
    },
  ],
  [
    'spot on ibkr',
    {
      dataset: 'spot',
      params: { exchange: 'IBKR', symbol: 'AAPL' },
      queue: 'ibkr',
      job: 'ibkr.spot',
      data: { symbols: ['AAPL'] },
      keyParams: { exchange: 'ibkr', symbol: 'AAPL' },
    },
  ],
  [
    'quote',
    {
      dataset: 'quote',
      params: { exchange: 'ibkr', conid: '0265598' },
      queue: 'ibkr',
      job: 'ibkr.quote',
      data: { conids: ['265598'] },
      keyParams: { exchange: 'ibkr', conid: '265598' },
    },
  ],
  [
    'instruments',
    {
      dataset: 'instruments',
      params: { exchange: 'bybit', underlying: 'BTC' },
      queue: 'bybit',
      job: 'bybit.instruments',
      data: { underlying: 'BTC' },
      keyParams: { exchange: 'bybit', underlying: 'BTC' },
    },
  ],
  [
    'option-chain on bybit',
    {
      dataset: 'option-chain',
      params: { exchange: 'bybit', underlying: 'eth' },
      queue: 'bybit',
      job: 'bybit.option-chain',
      data: { underlying: 'ETH' },
      keyParams: { exchange: 'bybit', underlying: 'ETH' },
    },
  ],
  [
    'option-chain on ibkr',
    {
      dataset: 'option-chain',
      params: { exchange: 'ibkr', underlying: 'SPY' },
      queue: 'ibkr',
      job: 'ibkr.option-chain',
      data: { underlying: 'SPY' },
      keyParams: { exchange: 'ibkr', underlying: 'SPY' },
    },
  ],
  [
    'ohlcv on bybit',
    {
      dataset: 'ohlcv',
      params: { exchange: 'bybit', symbol: 'BTCUSDT', interval: '4h' },
      queue: 'bybit',
      job: 'bybit.kline',
      data: { symbol: 'BTCUSDT', interval: '4h' },
      keyParams: { exchange: 'bybit', symbol: 'BTCUSDT', interval: '4h' },
    },
  ],
  [
    'ohlcv on bybit, default interval',
    {
      dataset: 'ohlcv',
      params: { exchange: 'bybit', symbol: 'ETHUSDT' },
      queue: 'bybit',
      job: 'bybit.kline',
      data: { symbol: 'ETHUSDT', interval: '1h' },
      keyParams: { exchange: 'bybit', symbol: 'ETHUSDT', interval: '1h' },
    },
  ],
  [
    'ohlcv on coingecko',
    {
      dataset: 'ohlcv',
      params: { exchange: 'coingecko', symbol: 'bitcoin', interval: '30m' },
      queue: 'coingecko',
      job: 'coingecko.ohlc',
      data: { id: 'bitcoin', interval: '30m' },
      keyParams: { exchange: 'coingecko', symbol: 'bitcoin', interval: '30m' },
    },
  ],
  [
    'ohlcv on ibkr',
    {
      dataset: 'ohlcv',
      params: { exchange: 'ibkr', symbol: 'aapl', interval: '1d' },
      queue: 'ibkr',
      job: 'ibkr.history',
      data: { symbol: 'AAPL', interval: '1d' },
      keyParams: { exchange: 'ibkr', symbol: 'AAPL', interval: '1d' },
    },
  ],
  [
    'catalog',
    {
      dataset: 'catalog',
      params: { name: 'coingecko-coins' },
      queue: 'coingecko',
      job: 'coingecko.catalog',
      data: {},
      keyParams: { name: 'coingecko-coins' },
    },
  ],
  [
    'catalog of Bybit option coins',
    {
      dataset: 'catalog',
      params: { name: 'bybit-options' },
      queue: 'bybit',
      job: 'bybit.option-catalog',
      data: {},
      keyParams: { name: 'bybit-options' },
    },
  ],
  [
    'market-status',
    {
      dataset: 'market-status',
      params: { market: 'us-equities' },
      queue: 'derive',
      job: 'derive.market-status',
      data: { market: 'us-equities' },
      keyParams: { market: 'us-equities' },
    },
  ],
  [
    'collar, default exchange',
    {
      dataset: 'collar',
      params: { underlying: 'btc' },
      queue: 'derive',
      job: 'derive.collar',
      data: { exchange: 'bybit', underlying: 'BTC' },
      keyParams: { exchange: 'bybit', underlying: 'BTC' },
    },
  ],
  [
    'options-summary',
    {
      dataset: 'options-summary',
      params: { exchange: 'ibkr', underlying: 'spy' },
      queue: 'derive',
      job: 'derive.options-summary',
      data: { exchange: 'ibkr', underlying: 'SPY' },
      keyParams: { exchange: 'ibkr', underlying: 'SPY' },
    },
  ],
  [
    'backtest, params as on GET /v1/backtests',
    {
      dataset: 'backtest',
      params: { symbol: 'ethusdt', rsi_period: '21', oversold: '25.0' },
      queue: 'derive',
      job: 'derive.backtest',
      data: BACKTEST,
      keyParams: BACKTEST,
    },
  ],
]

describe('POST /v1/update-cache {dataset, params}', () => {
  it('has a case for every fetched dataset in the registry (pushed ones are 400)', () => {
    const pushed: readonly string[] = pushedDatasetNames
    const fetched = datasetNames.filter((name) => !pushed.includes(name))
    expect(new Set(DATASET_CASES.map(([, c]) => c.dataset))).toEqual(new Set(fetched))
  })

  it.each(DATASET_CASES)('%s: the dataset fill job at update priority', async (_, c) => {
    const response = await post({ dataset: c.dataset, params: c.params })
    expect(response.statusCode).toBe(202)
    const { jobs } = response.json()
    expect(jobs).toEqual([
      {
        id: expect.stringMatching(new RegExp(`^${c.queue}\\.\\d+$`)),
        dataset: c.dataset,
        key: cacheKey(t.keys, datasets[c.dataset] as AnyDataset, c.keyParams),
      },
    ])
    const queued = await t.pendingJobs()
    expect(queued).toHaveLength(1)
    expect(queued[0]?.queueName).toBe(c.queue)
    expect(queued[0]?.name).toBe(c.job)
    expect(queued[0]?.data).toEqual({ ...c.data, origin: 'update' })
    expect(queued[0]?.opts.priority).toBe(Priority.update)
    expect(`${c.queue}.${queued[0]?.id}`).toBe(jobs[0].id)
  })

  it('shares the pending job with {coin_id} for the same coin', async () => {
    const first = (await post({ coin_id: 'solana' })).json().jobs[0].id
    const second = (await post({ dataset: 'coin', params: { id: 'solana' } })).json().jobs[0].id
    expect(second).toBe(first)
    expect(await t.pendingJobs()).toHaveLength(1)
  })
})

describe('POST /v1/update-cache: rejected requests enqueue nothing and touch no entry', () => {
  const seeded = () => cacheKey(t.keys, coin, { id: 'bitcoin' })
  beforeAll(async () => {
    await writeEntry(t.redis, t.keys, seeded(), envelope(coinData('bitcoin'), { etag: 'keep' }))
  })
  afterAll(async () => {
    expect((await storedMeta(t.redis, seeded()))?.etag).toBe('keep')
    expect(await t.cacheKeys()).toEqual([seeded()])
  })

  const auth = { authorization: `Bearer ${TestKeys.writer}` }
  const json = { ...auth, 'content-type': 'application/json' }

  it.each([
    ['an id with a colon', { coin_id: 'bit:coin' }, 'INVALID_BODY'],
    ['an id with a glob', { coin_id: 'bit*' }, 'INVALID_BODY'],
    ['an id with a space', { coin_id: 'bit coin' }, 'INVALID_BODY'],
    ['a 65-character id', { coin_id: 'a'.repeat(65) }, 'INVALID_BODY'],
    ['a bad id in a list', { coin_ids: ['bitcoin', 'bad:id'] }, 'INVALID_BODY'],
    ['251 coin_ids', { coin_ids: Array.from({ length: 251 }, (_, i) => `c${i}`) }, 'TOO_MANY_IDS'],
    ['an empty list', { coin_ids: [] }, 'INVALID_BODY'],
    ['an unknown shape', { dataset: 'coin', id: 'bitcoin' }, 'INVALID_BODY'],
    ['an extra field', { coin_id: 'bitcoin', force: true }, 'INVALID_BODY'],
    ['mixed shapes', { coin_id: 'bitcoin', coin_ids: ['ethereum'] }, 'INVALID_BODY'],
    ['popular:false', { popular: false }, 'INVALID_BODY'],
    ['limit 0', { popular: true, limit: 0 }, 'INVALID_BODY'],
    ['limit 251', { popular: true, limit: 251 }, 'INVALID_BODY'],
    ['a numeric id', { coin_id: 42 }, 'INVALID_BODY'],
    ['an array body', ['bitcoin'], 'INVALID_BODY'],
  ])('%s → 400 %s', async (_, payload, code) => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/update-cache',
      payload,
      headers: auth,
    })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toMatchObject({ statusCode: 400, code, error: 'Bad Request' })
    expect(await t.pendingJobs()).toHaveLength(0)
  })

  it.each([
    [
      'an unknown dataset',
      { dataset: 'candles', params: {} },
      `dataset must be one of ${datasetNames.join(', ')}`,
    ],
    [
      'a dataset name in the wrong case',
      { dataset: 'Spot', params: {} },
      'dataset must be one of coin, tokenomics, spot',
    ],
    [
      'a symbol the exchange does not take',
      { dataset: 'spot', params: { exchange: 'bybit', symbol: 'btc-usdt' } },
      'symbol "btc-usdt" is not a Bybit spot pair such as BTCUSDT',
    ],
    ['a missing param', { dataset: 'spot', params: { exchange: 'bybit' } }, 'symbol is required'],
    [
      'an exchange the dataset does not serve',
      { dataset: 'option-chain', params: { exchange: 'coingecko', underlying: 'BTC' } },
      'exchange must be one of bybit, ibkr',
    ],
    [
      'an interval the exchange does not serve',
      { dataset: 'ohlcv', params: { exchange: 'coingecko', symbol: 'bitcoin', interval: '1h' } },
      'interval must be one of 30m, 4h on coingecko',
    ],
    [
      'a collar without its underlying',
      { dataset: 'collar', params: { exchange: 'bybit' } },
      'underlying is required',
    ],
    [
      'backtest params that parseBacktestParams rejects',
      { dataset: 'backtest', params: { symbol: 'BTCUSDT', oversold: '80' } },
      'oversold must be below overbought',
    ],
    [
      'a param backtests do not take',
      { dataset: 'backtest', params: { symbol: 'BTCUSDT', symbols: 'ETHUSDT' } },
      'params.symbols is not a parameter of backtest',
    ],
    [
      'a bad market',
      { dataset: 'market-status', params: { market: 'nyse' } },
      'market must be one of crypto, us-equities',
    ],
    [
      'a colon in a param',
      { dataset: 'coin', params: { id: 'bit:coin' } },
      'id must be 1-64 characters',
    ],
    [
      'an unknown param',
      { dataset: 'coin', params: { id: 'bitcoin', vs: 'eur' } },
      'params.vs is not a parameter of coin; it takes id',
    ],
    ['a numeric param', { dataset: 'coin', params: { id: 42 } }, 'the body must be exactly one of'],
    ['no params', { dataset: 'coin' }, 'the body must be exactly one of'],
    [
      'params as a list',
      { dataset: 'coin', params: ['bitcoin'] },
      'the body must be exactly one of',
    ],
    [
      'an extra field',
      { dataset: 'coin', params: { id: 'bitcoin' }, force: true },
      'the body must be exactly one of',
    ],
    [
      'mixed with coin_id',
      { coin_id: 'bitcoin', dataset: 'coin', params: { id: 'bitcoin' } },
      'the body must be exactly one of',
    ],
    [
      'mixed with popular',
      { popular: true, dataset: 'coin', params: { id: 'bitcoin' } },
      'the body must be exactly one of',
    ],
  ])('{dataset, params} with %s → 400 INVALID_BODY: %s', async (_, payload, message) => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/update-cache',
      payload,
      headers: auth,
    })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toMatchObject({ statusCode: 400, code: 'INVALID_BODY' })
    expect(response.json().message).toContain(message)
    expect(await t.pendingJobs()).toHaveLength(0)
  })

  it.each([
    ['bad JSON', '{"coin_id": "bitcoin"', json, 400, 'INVALID_BODY'],
    ['an empty JSON body', '', json, 400, 'INVALID_BODY'],
    ['no body', undefined, auth, 400, 'INVALID_BODY'],
    [
      'a text body',
      'coin_id=bitcoin',
      { ...auth, 'content-type': 'text/plain' },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'a form body',
      'coin_id=bitcoin',
      { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'a huge body',
      JSON.stringify({ coin_ids: ['x'.repeat(70_000)] }),
      json,
      413,
      'PAYLOAD_TOO_LARGE',
    ],
  ])('%s → %i %s', async (_, payload, headers, status, code) => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/update-cache',
      payload,
      headers,
    })
    expect(response.statusCode).toBe(status)
    expect(response.json()).toMatchObject({ statusCode: status, code })
    expect(await t.pendingJobs()).toHaveLength(0)
  })

  it.each([
    ['no key', {}, 401, 'UNAUTHORIZED'],
    ['an unknown bearer key', { authorization: 'Bearer not-a-known-key-000' }, 401, 'UNAUTHORIZED'],
    ['an unknown X-API-Key', { 'x-api-key': 'not-a-known-key-000' }, 401, 'UNAUTHORIZED'],
    [
      'a malformed Authorization',
      { authorization: `Basic ${TestKeys.writer}` },
      401,
      'UNAUTHORIZED',
    ],
    [
      'a key without the write scope',
      { authorization: `Bearer ${TestKeys.reader}` },
      403,
      'FORBIDDEN',
    ],
  ])('%s → %i %s', async (_, headers, status, code) => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/update-cache',
      payload: { coin_id: 'bitcoin' },
      headers,
    })
    expect(response.statusCode).toBe(status)
    expect(response.json()).toMatchObject({ statusCode: status, code })
    if (status === 401)
      expect(response.headers['www-authenticate']).toBe('Bearer realm="marketcache"')
    expect(await t.pendingJobs()).toHaveLength(0)
  })

  it('checks the key before looking at the body', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/update-cache',
      payload: '{bad json',
      headers: { 'content-type': 'application/json' },
    })
    expect(response.statusCode).toBe(401)
  })
})

describe('POST /v1/update-cache with no API_KEYS configured', () => {
  it('accepts no key at all', async () => {
    const open = await startTestApp({ API_KEYS: '' })
    try {
      const response = await open.app.inject({
        method: 'POST',
        url: '/v1/update-cache',
        payload: { coin_id: 'bitcoin' },
        headers: { authorization: `Bearer ${TestKeys.writer}` },
      })
      expect(response.statusCode).toBe(401)
      expect(await open.pendingJobs()).toHaveLength(0)
    } finally {
      await open.close()
    }
  })
})
