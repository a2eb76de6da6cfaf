import { cacheKey } from '@marketcache/shared/dataset'
import { backtest } from '@marketcache/shared/datasets/backtest'
import { parseBacktestParams } from '@marketcache/shared/datasets/backtest-params'
import { JOB_DEFAULTS, Priority } from '@marketcache/shared/jobs'
import { type Job, UnrecoverableError, Worker } from 'bullmq'
import { Redis } from 'ioredis'
import { describe, expect, inject, it } from 'vitest'
import { eventually, TestKeys, useTestApp } from '../fixtures/test-app'

const t = useTestApp({}, { beforeEach: 'queues' })

const post = (payload: unknown, headers: Record<string, string> = writer) =>
  t.app.inject({ method: 'POST', url: '/v1/backtests/batch', payload: payload as object, headers })
const writer = { authorization: `Bearer ${TestKeys.writer}` }
/** Every job of the derive queue, parents waiting for their children included. */
const deriveJobs = () =>
  t.queues.derive.getJobs(['waiting-children', 'prioritized', 'waiting', 'delayed', 'active'])

const SYMBOLS = ['btcusdt', 'ETHUSDT', 'SOLUSDT']
const SHARED = {
  exchange: 'bybit',
  interval: '1h',
  start: '2025-01-01',
  end: '',
  rsi_period: 21,
  oversold: 25,
  overbought: 75,
  fee_bps: 10,
  initial_capital: 10_000,
}
const BODY = {
  symbols: SYMBOLS,
  interval: '1h',
  start: '2025-01-01',
  rsi_period: 21,
  oversold: 25,
  overbought: 75,
}
const paramsOf = (symbol: string) => parseBacktestParams({ ...BODY, symbol })

describe('POST /v1/backtests/batch', () => {
  it('a 3-symbol batch is one parent and 3 backtest children in the derive queue', async () => {
    const response = await post(BODY)
    expect(response.statusCode).toBe(202)
    const { batch, jobs } = response.json()
    expect(batch).toEqual({ id: expect.stringMatching(/^derive\.[0-9a-f-]{36}$/), total: 3 })
    expect(jobs).toEqual(
      ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'].map((symbol) => ({
        id: expect.stringMatching(/^derive\.[0-9a-f-]{36}$/),
        dataset: 'backtest',
        key: cacheKey(t.keys, backtest, paramsOf(symbol)),
      })),
    )

    const all = await deriveJobs()
    expect(all).toHaveLength(4)
    const [parent, ...others] = [
      ...all.filter((job) => job.name === 'derive.backtest-batch'),
      ...all.filter((job) => job.name !== 'derive.backtest-batch'),
    ] as Job[]
    expect(`derive.${parent!.id}`).toBe(batch.id)
    expect(await parent!.getState()).toBe('waiting-children')
    expect(parent!.data).toEqual({
      ...SHARED,
      symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'],
      origin: 'batch',
    })
    expect(parent!.opts).toMatchObject({
      removeOnComplete: JOB_DEFAULTS.removeOnComplete,
      removeOnFail: JOB_DEFAULTS.removeOnFail,
    })

    const children = others.sort((a, b) => (a.data.symbol < b.data.symbol ? -1 : 1))
    expect(children.map((job) => `derive.${job.id}`).sort()).toEqual(
      jobs.map((job: { id: string }) => job.id).sort(),
    )
    for (const child of children) {
      expect(child.name).toBe('derive.backtest')
      expect(child.data).toEqual({ ...paramsOf(child.data.symbol), origin: 'batch' })
      expect(child.opts).toMatchObject({
        attempts: t.config.jobAttempts,
        backoff: { type: 'provider' },
        priority: Priority.batch,
        ignoreDependencyOnFailure: true,
        removeOnComplete: JOB_DEFAULTS.removeOnComplete,
        removeOnFail: JOB_DEFAULTS.removeOnFail,
      })
      expect(child.opts.failParentOnFailure).toBeFalsy()
      expect(child.parent?.id).toBe(parent!.id)
    }
    expect(children.map((job) => job.data.symbol)).toEqual(['BTCUSDT', 'ETHUSDT', 'SOLUSDT'])
  })

  it('applies the defaults: a body with symbols only runs the default backtest', async () => {
    const response = await post({ symbols: ['BTCUSDT'] })
    expect(response.statusCode).toBe(202)
    const child = (await deriveJobs()).find((job) => job.name === 'derive.backtest')
    expect(child?.data).toEqual({ ...parseBacktestParams({ symbol: 'BTCUSDT' }), origin: 'batch' })
    expect(response.json().jobs[0].key).toBe(
      cacheKey(t.keys, backtest, parseBacktestParams({ symbol: 'BTCUSDT' })),
    )
  })

  it('accepts 250 symbols', async () => {
    const symbols = Array.from({ length: 250 }, (_, i) => `C${i}USDT`)
    const response = await post({ symbols })
    expect(response.statusCode).toBe(202)
    expect(response.json().batch.total).toBe(250)
    expect(await deriveJobs()).toHaveLength(251)
  })
})

describe('POST /v1/backtests/batch: rejected requests enqueue nothing', () => {
  it.each([
    ['no key', {}, 401, 'UNAUTHORIZED'],
    ['an unknown key', { authorization: 'Bearer not-a-known-key-000' }, 401, 'UNAUTHORIZED'],
    ['a key without the write scope', { 'x-api-key': TestKeys.reader }, 403, 'FORBIDDEN'],
  ])('%s → %i %s', async (_, headers, status, code) => {
    const response = await post(BODY, headers)
    expect(response.statusCode).toBe(status)
    expect(response.json()).toMatchObject({ statusCode: status, code })
    expect(await deriveJobs()).toHaveLength(0)
  })

  it.each([
    ['no symbols', { rsi_period: 14 }, 'body.symbols'],
    ['an empty list', { symbols: [] }, 'body.symbols'],
    [
      '251 symbols',
      { symbols: Array.from({ length: 251 }, (_, i) => `C${i}USDT`) },
      'at most 250 symbols per batch, got 251',
    ],
    [
      'a bad symbol',
      { symbols: ['BTCUSDT', 'ETH-USDT'] },
      'symbols[1]: symbol "ETH-USDT" is not a Bybit pair such as BTCUSDT',
    ],
    ['a colon in a symbol', { symbols: ['BTC:USDT'] }, 'symbols[0]: symbol must be 1-64'],
    [
      'a repeated symbol',
      { symbols: ['BTCUSDT', 'ETHUSDT', 'btcusdt'] },
      'symbols[2] repeats symbols[0] (BTCUSDT)',
    ],
    ['a singular symbol', { symbols: ['BTCUSDT'], symbol: 'ETHUSDT' }, 'body.symbol'],
    ['an unknown field', { symbols: ['BTCUSDT'], leverage: 3 }, 'body.leverage'],
    [
      'an interval backtests do not run on',
      { symbols: ['BTCUSDT'], interval: '4h' },
      'interval must be one of 1h, 1d',
    ],
    [
      'another exchange',
      { symbols: ['BTCUSDT'], exchange: 'coingecko' },
      'backtests run on bybit candles',
    ],
    ['rsi_period out of range', { symbols: ['BTCUSDT'], rsi_period: 1 }, 'body.rsi_period'],
    ['rsi_period as a string', { symbols: ['BTCUSDT'], rsi_period: '14' }, 'body.rsi_period'],
    [
      'oversold above overbought',
      { symbols: ['BTCUSDT'], oversold: 80 },
      'oversold must be below overbought',
    ],
    [
      'a bad date',
      { symbols: ['BTCUSDT'], start: '2025-13-01' },
      'start must be a date as YYYY-MM-DD',
    ],
    [
      'start after end',
      { symbols: ['BTCUSDT'], start: '2025-06-01', end: '2025-01-01' },
      'start must not be after end',
    ],
    ['a list body', ['BTCUSDT'], 'body'],
  ])('%s → 400 INVALID_BODY: %s', async (_, payload, message) => {
    const response = await post(payload)
    expect(response.statusCode).toBe(400)
    expect(response.json()).toMatchObject({ statusCode: 400, code: 'INVALID_BODY' })
    expect(response.json().message).toContain(message)
    expect(await deriveJobs()).toHaveLength(0)
  })

  it('bad JSON → 400 INVALID_BODY, a text body → 415', async () => {
    const json = { ...writer, 'content-type': 'application/json' }
    expect((await post('{"symbols": [', json)).json().code).toBe('INVALID_BODY')
    const text = await post('symbols=BTCUSDT', { ...writer, 'content-type': 'text/plain' })
    expect(text.statusCode).toBe(415)
    expect(await deriveJobs()).toHaveLength(0)
  })
})

describe('GET /v1/backtests/batch/:id', () => {
  it('reports every backtest pending while none has run', async () => {
    const { batch } = (await post(BODY)).json()
    const response = await t.app.inject(`/v1/backtests/batch/${batch.id}`)
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({
      id: batch.id,
      state: 'waiting-children',
      total: 3,
      completed: 0,
      failed: 0,
      pending: 3,
      results: [],
    })
  })

  it('follows a worker: children values while the batch runs, then its own results', async () => {
    const { batch } = (await post(BODY)).json()
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    // Stands in for the worker's derive processors (docs/analytics/backtests.md), on the same
    // queue and prefix: a child returns {written, key, symbol, summary}, the parent {results, …}.
    const summary = { total_return: 0.1, sharpe: 1.2, max_drawdown: 0.05, trade_count: 3 }
    const batchResult = {
      written: [],
      total: 3,
      completed: 2,
      failed: 1,
      results: [{ symbol: 'BTCUSDT', key: 'k1', ...summary }],
      failures: [{ symbol: 'SOLUSDT', reason: 'no candles cached' }],
    }
    const connection = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null })
    const worker = new Worker(
      'derive',
      async (job: Job) => {
        if (job.name === 'derive.backtest') {
          const { symbol } = job.data
          if (symbol === 'SOLUSDT') throw new UnrecoverableError('no candles cached')
          return { written: [], key: `key-${symbol}`, symbol, summary }
        }
        await gate
        return batchResult
      },
      { connection, prefix: t.config.queuePrefix },
    )
    try {
      const status = async () => (await t.app.inject(`/v1/backtests/batch/${batch.id}`)).json()
      const running = await eventually(async () => {
        const body = await status()
        return body.state === 'active' ? body : undefined
      })
      expect(running).toEqual({
        id: batch.id,
        state: 'active',
        total: 3,
        completed: 2,
        failed: 1,
        pending: 0,
        // Shaped like the batch's own results, in the order of its symbols.
        results: [
          { symbol: 'BTCUSDT', key: 'key-BTCUSDT', ...summary },
          { symbol: 'ETHUSDT', key: 'key-ETHUSDT', ...summary },
        ],
      })

      release()
      const done = await eventually(async () => {
        const body = await status()
        return body.state === 'completed' ? body : undefined
      })
      expect(done).toEqual({
        id: batch.id,
        state: 'completed',
        total: 3,
        completed: 2,
        failed: 1,
        pending: 0,
        results: batchResult.results,
      })
    } finally {
      release()
      await worker.close()
      await connection.quit()
    }
  })

  it('404 JOB_NOT_FOUND for an unknown batch, or a job that is not a batch', async () => {
    const { jobs } = (await post(BODY)).json()
    for (const id of [
      'derive.00000000-0000-0000-0000-000000000000',
      'derive.42',
      jobs[0].id,
      'bybit.1',
    ]) {
      const response = await t.app.inject(`/v1/backtests/batch/${id}`)
      expect(response.statusCode, id).toBe(404)
      expect(response.json()).toMatchObject({ statusCode: 404, code: 'JOB_NOT_FOUND' })
    }
  })

  it.each(['nope', 'derive.', 'warehouse.1', 'derive.a:b', `derive.${'x'.repeat(201)}`])(
    '400 INVALID_PARAMS for the malformed id %s',
    async (id) => {
      const response = await t.app.inject(`/v1/backtests/batch/${encodeURIComponent(id)}`)
      expect(response.statusCode).toBe(400)
      expect(response.json()).toMatchObject({ code: 'INVALID_PARAMS' })
      expect(response.json().message).toContain('id must be')
    },
  )
})
