import { backtest } from '@marketcache/shared/datasets/backtest'
import {
  BACKTEST_DEFAULTS,
  type BacktestParams,
} from '@marketcache/shared/datasets/backtest-params'
import type { Envelope } from '@marketcache/shared/envelope'
import { JOB_DEFAULTS, Priority } from '@marketcache/shared/jobs'
import { buildSpotPairs } from '@marketcache/simulator/bybit/spot-pairs'
import { buildUniverse } from '@marketcache/simulator/coingecko/universe'
import { FlowProducer, type Job } from 'bullmq'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { BacktestBatchResult } from '../../src/contracts/processor'
import { createQueueRedis } from '../../src/redis'
import { readEntry } from '../support/entries'
import { useHarness } from '../support/harness'
import { BACKTEST_HARNESS, backtestParams, klineCalls } from './backtest-jobs'

const h = useHarness(BACKTEST_HARNESS)
let connection: Redis
let flows: FlowProducer

beforeAll(async () => {
  connection = createQueueRedis(inject('redisUrl')) as Redis
  flows = new FlowProducer({ connection, prefix: h.config.queuePrefix })
})
afterAll(async () => {
  await flows.close()
  await connection.quit()
})

/** The simulator's pairs, largest coin first (the same seed as the harness's simulator). */
const PAIRS = buildSpotPairs(buildUniverse(7)).map((pair) => pair.symbol)

/**
 * A batch exactly as the API creates it: a `derive.backtest-batch` parent on `derive` with one
 * `derive.backtest` child per symbol, all under the worker's queue prefix; a failed child is
 * ignored by the parent rather than failing or blocking it.
 */
async function addBatch(symbols: string[], overrides: Partial<BacktestParams> = {}) {
  const { symbol: _one, ...shared } = backtestParams('BTCUSDT', overrides)
  const retention = {
    removeOnComplete: { ...JOB_DEFAULTS.removeOnComplete },
    removeOnFail: { ...JOB_DEFAULTS.removeOnFail },
  }
  const node = await flows.add({
    name: 'derive.backtest-batch',
    queueName: 'derive',
    data: { ...shared, symbols, origin: 'batch' },
    opts: { priority: Priority.batch, attempts: 1, ...retention },
    children: symbols.map((symbol) => ({
      name: 'derive.backtest',
      queueName: 'derive',
      data: { ...shared, symbol, origin: 'batch' },
      opts: {
        priority: Priority.batch,
        attempts: JOB_DEFAULTS.attempts,
        backoff: { type: 'provider' },
        failParentOnFailure: false,
        ignoreDependencyOnFailure: true,
        ...retention,
      },
    })),
  })
  const done = await h.settled(node.job as Job & { id: string }, 60_000)
  return { done, result: done.returnvalue as BacktestBatchResult }
}

describe('derive.backtest-batch as a BullMQ flow', () => {
  it('runs 50 symbols cold: one fetch each, 50 results in the order asked', async () => {
    const symbols = PAIRS.slice(0, 50)
    expect(symbols).toHaveLength(50)
    const { done, result } = await addBatch(symbols)

    expect(await done.getState()).toBe('completed')
    expect(result).toMatchObject({ written: [], total: 50, completed: 50, failed: 0, failures: [] })
    expect(result.results.map((r) => r.symbol)).toEqual(symbols)
    for (const row of result.results) {
      expect(row.key).toBe(h.key(backtest, backtestParams(row.symbol)))
      expect(Object.keys(row).sort()).toEqual(
        ['key', 'max_drawdown', 'sharpe', 'symbol', 'total_return', 'trade_count'].sort(),
      )
      const value = JSON.parse(((await readEntry(h.redis, row.key)) as Envelope).data)
      expect(row).toMatchObject({
        total_return: value.total_return,
        sharpe: value.sharpe,
        max_drawdown: value.max_drawdown,
        trade_count: value.trade_count,
      })
    }
    expect(await klineCalls(h.upstream)).toBe(50)
  })

  it('re-runs a known parameter set without computing or fetching anything', async () => {
    const symbols = PAIRS.slice(0, 50)
    const before = await Promise.all(
      symbols.map(
        async (s) => (await readEntry(h.redis, h.key(backtest, backtestParams(s)))) as Envelope,
      ),
    )
    const { result } = await addBatch(symbols)

    expect(result).toMatchObject({ total: 50, completed: 50, failed: 0 })
    expect(await klineCalls(h.upstream)).toBe(50)
    const after = await Promise.all(
      symbols.map(
        async (s) => (await readEntry(h.redis, h.key(backtest, backtestParams(s)))) as Envelope,
      ),
    )
    expect(after.map((e) => e.fetchedAt)).toEqual(before.map((e) => e.fetchedAt))
  })

  it('reports failing symbols and finishes the rest; only their backtests are marked missing', async () => {
    const overrides = { rsi_period: 10, fee_bps: BACKTEST_DEFAULTS.fee_bps * 2 }
    const symbols = ['BTCUSDT', 'NOPEUSDT', 'SC001USDT', 'FAKEUSDT']
    const { done, result } = await addBatch(symbols, overrides)

    expect(await done.getState()).toBe('completed')
    expect(result).toMatchObject({ written: [], total: 4, completed: 2, failed: 2 })
    expect(result.results.map((r) => r.symbol)).toEqual(['BTCUSDT', 'SC001USDT'])
    // Each failure is named from its child's data, with the child's own reason.
    expect(result.failures).toEqual([
      { symbol: 'NOPEUSDT', reason: expect.stringMatching(/NOPEUSDT.*does not exist/) },
      { symbol: 'FAKEUSDT', reason: expect.stringMatching(/FAKEUSDT.*does not exist/) },
    ])
    // The batch itself owns no entry: nothing else under the backtest dataset is negative.
    const negatives: string[] = []
    let cursor = '0'
    do {
      const [next, keys] = await h.redis.scan(cursor, 'MATCH', h.keys.datasetPattern('backtest'))
      cursor = next
      for (const key of keys) {
        const entry = await readEntry(h.redis, key)
        if (entry !== null && 'notFound' in entry) negatives.push(key)
      }
    } while (cursor !== '0')
    expect(negatives.sort()).toEqual(
      ['NOPEUSDT', 'FAKEUSDT'].map((s) => h.key(backtest, backtestParams(s, overrides))).sort(),
    )
  })
})
