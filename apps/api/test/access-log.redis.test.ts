import { deletePrefix, testPrefix } from '@marketcache/devkit/redis'
import { cacheKey } from '@marketcache/shared/dataset'
import { coin } from '@marketcache/shared/datasets/coin'
import { Keys } from '@marketcache/shared/keys'
import type { FastifyInstance } from 'fastify'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { buildApp } from '../src/app'
import { loadConfig } from '../src/config'
import { createApiClients } from '../src/redis-clients'
import { coinData, envelope, writeEntry } from './fixtures/cache-writer'
import { captureLog } from './fixtures/capture-log'

const SAMPLE = 5
const { logger, records } = captureLog('info')
const config = loadConfig({
  CACHE_REDIS_URL: inject('redisUrl'),
  KEY_PREFIX: testPrefix('mc'),
  QUEUE_PREFIX: testPrefix('q'),
  ACCESS_LOG_HIT_SAMPLE: String(SAMPLE),
})
const redis = new Redis(inject('redisUrl'))
let app: FastifyInstance
beforeAll(async () => {
  app = await buildApp({ config, ...createApiClients(config, logger), logger })
  const keys = new Keys(config.keyPrefix)
  await writeEntry(
    redis,
    keys,
    cacheKey(keys, coin, { id: 'bitcoin' }),
    envelope(coinData('bitcoin')),
  )
})
afterAll(async () => {
  await app?.close()
  await deletePrefix(redis, config.keyPrefix)
  redis.disconnect()
})

const responses = () => records.filter((line) => line.msg === 'response')

describe('the access log', () => {
  it('logs one line per response after it is sent, hits one in ACCESS_LOG_HIT_SAMPLE', async () => {
    for (let i = 0; i < 4 * SAMPLE; i++) {
      expect((await app.inject('/v1/coins/bitcoin')).headers['x-cache-status']).toBe('HIT')
    }
    const hits = responses().filter((line) => line.url === '/v1/coins/bitcoin')
    expect(hits).toHaveLength(4)
    expect(hits[0]).toMatchObject({
      method: 'GET',
      status: 200,
      cache: 'HIT',
      layer: expect.stringMatching(/^L[12]$/),
      sampled: SAMPLE,
      ms: expect.any(Number),
      reqId: expect.any(String),
    })
    // Fastify's own two lines per request are off.
    expect(records.some((line) => line.msg === 'incoming request')).toBe(false)
    expect(records.some((line) => line.msg === 'request completed')).toBe(false)
  })

  it('logs every error response, with no header or key in it', async () => {
    const before = responses().length
    const answer = await app.inject({
      url: '/v1/coins/Not_An_Id!',
      headers: { 'x-api-key': 'secret-key-not-configured' },
    })
    expect(answer.statusCode).toBe(400)
    const line = responses().slice(before)
    expect(line).toHaveLength(1)
    expect(line[0]).toMatchObject({ status: 400, url: '/v1/coins/Not_An_Id!' })
    expect(JSON.stringify(line[0])).not.toContain('secret-key-not-configured')
  })
})
