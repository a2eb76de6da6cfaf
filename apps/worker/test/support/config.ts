import { deletePrefix, testPrefix } from '@marketcache/devkit/redis'
// Brings in the type of `inject('redisUrl')` that devkit's global setup provides.
import type {} from '@marketcache/devkit/vitest-setup'
import { Redis } from 'ioredis'
import { inject } from 'vitest'
import { loadConfig, type WorkerConfig } from '../../src/config'

/**
 * A config for one test file: its own key and queue prefixes, small backoffs and a generous
 * limiter so tests run fast, no warm-ups unless asked for.
 */
export function testConfig(
  prefixes: { keyPrefix: string; queuePrefix: string },
  env: Record<string, string> = {},
): WorkerConfig {
  return loadConfig({
    CACHE_REDIS_URL: inject('redisUrl'),
    KEY_PREFIX: prefixes.keyPrefix,
    QUEUE_PREFIX: prefixes.queuePrefix,
    LOG_LEVEL: 'silent',
    COINGECKO_RATE_MAX: '1000',
    COINGECKO_RATE_DURATION_MS: '1000',
    COINGECKO_TIMEOUT_MS: '2000',
    BACKOFF_BASE_MS: '50',
    BACKOFF_MAX_MS: '200',
    WARM_SCHEDULES: '[]',
    ...env,
  })
}

/** Prefixes plus a Redis client for assertions; `cleanup` deletes only this file's keys. */
export function testRedis() {
  const keyPrefix = testPrefix('mc')
  const queuePrefix = testPrefix('q')
  const redis = new Redis(inject('redisUrl'))
  return {
    keyPrefix,
    queuePrefix,
    redis,
    async cleanup() {
      await deletePrefix(redis, keyPrefix)
      await deletePrefix(redis, queuePrefix)
      await redis.quit()
    },
  }
}
