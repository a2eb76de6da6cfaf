import { type RunningRedis, startPrivateRedis } from '@marketcache/devkit/redis'
import { afterEach, describe, expect, it } from 'vitest'
import { startWorker } from '../src/start-worker'
import { captureLogger } from './support/capture-logger'
import { testConfig, testRedis } from './support/config'
import { runMain } from './support/main-process'

const t = testRedis()
let redis: RunningRedis | undefined
afterEach(async () => {
  await redis?.stop()
  redis = undefined
})

describe('the queue Redis must not evict', () => {
  it('stops startWorker on an evicting queue Redis, naming the setting and the fix', async () => {
    redis = await startPrivateRedis({ args: ['--maxmemory-policy', 'allkeys-lru'] })
    const config = testConfig(t, { CACHE_REDIS_URL: redis.url })
    const failure = startWorker(config, { logger: captureLogger().logger })
    await expect(failure).rejects.toThrow('maxmemory-policy allkeys-lru')
    await expect(failure).rejects.toThrow('redis-cli CONFIG SET maxmemory-policy noeviction')
  })

  it('exits the worker process with that message', async () => {
    redis = await startPrivateRedis({ args: ['--maxmemory-policy', 'volatile-lru'] })
    const main = runMain({ CACHE_REDIS_URL: redis.url, WARM_SCHEDULES: '[]' })
    expect(await main.exited).toBe(1)
    const fatal = main.records.find((r) => r.level === 60)
    expect(String(fatal?.msg)).toContain('maxmemory-policy volatile-lru')
  })

  it('starts with one warning each when CONFIG is refused', async () => {
    redis = await startPrivateRedis({ args: ['--rename-command', 'CONFIG', ''] })
    const { logger, records } = captureLogger('info')
    const worker = await startWorker(testConfig(t, { CACHE_REDIS_URL: redis.url }), { logger })
    await worker.close()
    const warnings = records.filter((r) => String(r.msg).includes('refuses CONFIG GET'))
    expect(warnings).toHaveLength(1)
  })

  it('warns once about a queue Redis with no persistence', async () => {
    redis = await startPrivateRedis()
    const { logger, records } = captureLogger('info')
    const worker = await startWorker(testConfig(t, { CACHE_REDIS_URL: redis.url }), { logger })
    await worker.close()
    expect(records.filter((r) => String(r.msg).includes('no persistence'))).toHaveLength(1)
  })
})
