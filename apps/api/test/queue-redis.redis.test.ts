import { type RunningRedis, startPrivateRedis, testPrefix } from '@marketcache/devkit/redis'
import { Redis } from 'ioredis'
import { afterEach, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app'
import { loadConfig } from '../src/config'
import { createApiClients, whenReady } from '../src/redis-clients'
import { captureLog } from './fixtures/capture-log'
import { eventually } from './fixtures/test-app'

let redis: RunningRedis | undefined
afterEach(async () => {
  await redis?.stop()
  redis = undefined
})

async function start(url: string) {
  const { logger, records } = captureLog('info')
  const config = loadConfig({
    CACHE_REDIS_URL: url,
    KEY_PREFIX: testPrefix('mc'),
    QUEUE_PREFIX: testPrefix('q'),
  })
  const { cacheRedis, queueRedis } = createApiClients(config, logger)
  await Promise.all([whenReady(cacheRedis, 5000), whenReady(queueRedis, 5000)])
  return { records, app: () => buildApp({ config, cacheRedis, queueRedis, logger }) }
}

describe('the queue Redis must not evict', () => {
  it('refuses to start on an evicting queue Redis, naming the setting and the fix', async () => {
    redis = await startPrivateRedis({ args: ['--maxmemory-policy', 'allkeys-lru'] })
    const api = await start(redis.url)
    const failure = api.app()
    await expect(failure).rejects.toThrow('maxmemory-policy allkeys-lru')
    await expect(failure).rejects.toThrow('redis-cli CONFIG SET maxmemory-policy noeviction')
  })

  it('fails readiness once the policy changes at run time, and warns about no persistence', async () => {
    redis = await startPrivateRedis()
    const api = await start(redis.url)
    const app = await api.app()
    const admin = new Redis(redis.url)
    try {
      expect((await app.inject('/health/ready')).statusCode).toBe(200)
      const warnings = api.records.filter((r) => String(r.msg).includes('no persistence'))
      expect(warnings).toHaveLength(1)

      await admin.config('SET', 'maxmemory-policy', 'allkeys-lru')
      const failed = await eventually(
        async () => {
          const response = await app.inject('/health/ready')
          return response.statusCode === 503 ? response : undefined
        },
        { timeoutMs: 8000, intervalMs: 200 },
      )
      expect(failed.headers['retry-after']).toBeDefined()
      expect(failed.json()).toEqual({
        statusCode: 503,
        code: 'BACKEND_UNAVAILABLE',
        error: 'Service Unavailable',
        message: expect.stringContaining('maxmemory-policy allkeys-lru'),
      })
      const logged = api.records.filter((r) => String(r.msg).includes('allkeys-lru'))
      expect(logged).toHaveLength(1)

      await admin.config('SET', 'maxmemory-policy', 'noeviction')
      await eventually(
        async () => ((await app.inject('/health/ready')).statusCode === 200 ? true : undefined),
        { timeoutMs: 8000, intervalMs: 200 },
      )
    } finally {
      await admin.quit()
      await app.close()
    }
  })

  it('starts with one warning when the server refuses CONFIG', async () => {
    redis = await startPrivateRedis({ args: ['--rename-command', 'CONFIG', ''] })
    const api = await start(redis.url)
    const app = await api.app()
    try {
      expect((await app.inject('/health/ready')).statusCode).toBe(200)
      const warnings = api.records.filter((r) => String(r.msg).includes('refuses CONFIG GET'))
      expect(warnings).toHaveLength(1)
    } finally {
      await app.close()
    }
  })
})
