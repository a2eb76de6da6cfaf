import { cacheKey } from '@marketcache/shared/dataset'
import { collar } from '@marketcache/shared/datasets/collar'
import { optionChain } from '@marketcache/shared/datasets/option-chain'
import { optionsSummary } from '@marketcache/shared/datasets/options-summary'
import { spot } from '@marketcache/shared/datasets/spot'
import { type JobRequest, Priority, producerJobOptions } from '@marketcache/shared/jobs'
import { Keys } from '@marketcache/shared/keys'
import { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest'
import type { ProcessorContext } from '../../src/contracts/processor'
import { dependentsByInput, recomputeDependents } from '../../src/derive/recompute'
import { type EnvelopeEntry, EnvelopeWriter } from '../../src/envelope-writer'
import { entryOf } from '../../src/processors/entries'
import { BybitEndpoint } from '../../src/providers/bybit/client'
import { createQueueRedis } from '../../src/redis'
import { captureLogger } from '../support/capture-logger'
import { testConfig, testRedis } from '../support/config'

const t = testRedis()
const keys = new Keys(t.keyPrefix)
const { logger, records } = captureLogger('debug')
const BTC = { exchange: 'bybit', underlying: 'BTC' } as const

let connection: Redis
let derive: Queue

/** A written entry as `entryOf` describes it; the envelope itself does not matter here. */
const written = (subject: NonNullable<EnvelopeEntry['subject']>): EnvelopeEntry =>
  ({ key: 'unused', envelope: {}, subject }) as unknown as EnvelopeEntry

beforeAll(async () => {
  connection = createQueueRedis(inject('redisUrl')) as Redis
  derive = new Queue('derive', { connection, prefix: t.queuePrefix })
})
beforeEach(async () => {
  await derive.obliterate({ force: true })
  await t.redis.unlink(cacheKey(keys, collar, BTC), cacheKey(keys, optionsSummary, BTC))
  records.length = 0
})
afterAll(async () => {
  await derive.close()
  await connection.quit()
  await t.cleanup()
})

const recompute = () =>
  recomputeDependents({
    redis: t.redis,
    keys,
    logger,
    enqueue: async (request: JobRequest, origin) => {
      await derive.add(
        request.name,
        { ...request.data, origin },
        producerJobOptions(request, origin),
      )
    },
  })

const jobsOf = async () =>
  (await derive.getJobs(['prioritized', 'waiting'])).map((job) => [job.name, job.data]).sort()

describe('dependentsByInput', () => {
  it('reads the recomputeOn declarations: a chain write concerns collars and summaries', () => {
    const index = dependentsByInput()
    expect(index.get('option-chain')?.map((d) => d.derived.name)).toEqual([
      'collar',
      'options-summary',
    ])
    // Spot moves are the readers' business (staleWhen), not a recompute.
    expect(index.get('spot')).toBeUndefined()
  })
})

describe('recomputeDependents', () => {
  it('re-enqueues, at stale priority, the derived entries of a written chain that exist', async () => {
    await t.redis.hset(cacheKey(keys, collar, BTC), 'data', '{}')
    await recompute()([written({ dataset: optionChain, params: BTC })])
    expect(await jobsOf()).toEqual([['derive.collar', { ...BTC, origin: 'stale' }]])
    const [job] = await derive.getJobs(['prioritized'])
    expect(job?.opts.priority).toBe(Priority.stale)
  })

  it('enqueues nothing for derived entries that do not exist, or for inputs nothing depends on', async () => {
    await recompute()([
      written({ dataset: optionChain, params: BTC }),
      written({ dataset: spot, params: { exchange: 'bybit', symbol: 'BTCUSDT' } }),
    ])
    expect(await jobsOf()).toEqual([])
  })

  it('deduplicates: two chain writes before the recompute runs make one job per entry', async () => {
    await t.redis.hset(cacheKey(keys, collar, BTC), 'data', '{}')
    await t.redis.hset(cacheKey(keys, optionsSummary, BTC), 'data', '{}')
    const hook = recompute()
    await hook([written({ dataset: optionChain, params: BTC })])
    await hook([written({ dataset: optionChain, params: BTC })])
    expect(await jobsOf()).toEqual([
      ['derive.collar', { ...BTC, origin: 'stale' }],
      ['derive.options-summary', { ...BTC, origin: 'stale' }],
    ])
  })

  it('logs and swallows a failed enqueue: the input write stands', async () => {
    await t.redis.hset(cacheKey(keys, collar, BTC), 'data', '{}')
    const hook = recomputeDependents({
      redis: t.redis,
      keys,
      logger,
      enqueue: () => Promise.reject(new Error('queue Redis is down')),
    })
    await expect(hook([written({ dataset: optionChain, params: BTC })])).resolves.toBeUndefined()
    expect(records.some((r) => r.msg === 'recompute: could not enqueue')).toBe(true)
  })
})

describe('the envelope writer hook', () => {
  it('hands over only the entries that won the asOf check, saying what each one is', async () => {
    const seen: EnvelopeEntry[][] = []
    const writer = new EnvelopeWriter(t.redis, keys, {
      onWritten: async (entries) => {
        seen.push([...entries])
      },
    })
    const ctx = { keys, freshness: testConfig(t).freshness, now: Date.now } as ProcessorContext
    // The value is beside the point here (the writer does not look into it); entryOf only
    // lets a value that passes the schema through.
    const chainAt = (asOf: number) =>
      entryOf(
        ctx,
        optionChain,
        BTC,
        {
          exchange: 'bybit',
          underlying: 'BTC',
          underlying_price: 1,
          expiries: [],
          as_of: new Date(asOf).toISOString(),
        },
        { asOf, source: 'bybit', endpoint: BybitEndpoint.tickers },
      )
    await writer.write(chainAt(Date.now()))
    await writer.write(chainAt(Date.now() - 60_000))
    expect(
      seen.map((entries) =>
        entries.map((e) => [e.key, e.subject?.dataset.name, e.subject?.params]),
      ),
    ).toEqual([[[cacheKey(keys, optionChain, BTC), 'option-chain', BTC]]])
  })
})
