import { startPrivateRedis, testPrefix } from '@marketcache/devkit/redis'
import { describe, expect, it } from 'vitest'
import { buildApp } from '../src/app'
import { loadConfig } from '../src/config'
import { createApiClients, whenReady } from '../src/redis-clients'
import { captureLog } from './fixtures/capture-log'
import { runServer } from './fixtures/server-process'
import { eventually } from './fixtures/test-app'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const API_KEY = 'test-writer-key-secret-7a1e'

describe('what the API logs about Redis', () => {
  it('never logs the Redis password or an API key, even when Redis refuses the password', async () => {
    const redis = await startPrivateRedis({ password: 'the-right-one-3b7d' })
    const url = redis.url.replace('the-right-one-3b7d', 'wrong-secret-c0d9')
    const server = runServer({
      CACHE_REDIS_URL: url,
      API_KEYS: `${API_KEY}:write`,
      LOG_LEVEL: 'trace',
    })
    try {
      const address = await eventually(async () => server.address(), { timeoutMs: 15_000 })
      const response = await fetch(`${address}/v1/update-cache`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ coin_id: 'bitcoin' }),
      })
      expect(response.status).toBe(503)
      await sleep(1000)
    } finally {
      server.child.kill('SIGKILL')
      await server.exited
      await redis.stop()
    }
    const output = server.output()
    expect(output).toContain('WRONGPASS')
    for (const secret of ['wrong-secret-c0d9', 'the-right-one-3b7d', API_KEY]) {
      expect(output).not.toContain(secret)
    }
    const lost = server.records().filter((r) => String(r.msg).startsWith('redis connection lost'))
    expect(lost).toHaveLength(1)
  })

  it('logs one line when Redis goes away and one when it is back', async () => {
    const redis = await startPrivateRedis()
    const port = Number(new URL(redis.url).port)
    const { logger, records } = captureLog('info')
    const config = loadConfig({
      CACHE_REDIS_URL: redis.url,
      KEY_PREFIX: testPrefix('mc'),
      QUEUE_PREFIX: testPrefix('q'),
    })
    const { cacheRedis, queueRedis } = createApiClients(config, logger)
    await Promise.all([whenReady(cacheRedis, 5000), whenReady(queueRedis, 5000)])
    const app = await buildApp({ config, cacheRedis, queueRedis, logger })
    let restarted: Awaited<ReturnType<typeof startPrivateRedis>> | undefined
    try {
      await redis.stop()
      for (let i = 0; i < 5; i++) {
        expect((await app.inject('/v1/coins/bitcoin')).statusCode).toBe(503)
        await sleep(600)
      }
      restarted = await startPrivateRedis({ port })
      await eventually(
        async () => ((await app.inject('/health/ready')).statusCode === 200 ? true : undefined),
        { timeoutMs: 10_000 },
      )
      await sleep(1500)
    } finally {
      await app.close()
      await restarted?.stop()
    }
    const about = (msg: string) => records.filter((r) => String(r.msg).startsWith(msg))
    expect(about('redis connection lost')).toHaveLength(1)
    expect(about('redis connection restored')).toHaveLength(1)
  })
})
