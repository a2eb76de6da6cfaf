import { testPrefix } from '@marketcache/devkit/redis'
import { describe, expect, inject, it } from 'vitest'
import { buildApp } from '../../src/app'
import { loadConfig } from '../../src/config'
import { createApiClients, whenReady } from '../../src/redis-clients'
import { captureLog } from '../fixtures/capture-log'

const ADMIN_KEY = 'board-admin-key-5e0c9a'

describe('what the API logs about the queue board', () => {
  it('never logs the key, whichever way it is sent', async () => {
    const { logger, records } = captureLog('trace')
    const config = loadConfig({
      CACHE_REDIS_URL: inject('redisUrl'),
      KEY_PREFIX: testPrefix('mc'),
      QUEUE_PREFIX: testPrefix('q'),
      API_KEYS: `${ADMIN_KEY}:admin`,
    })
    const { cacheRedis, queueRedis } = createApiClients(config, logger)
    await Promise.all([whenReady(cacheRedis, 5000), whenReady(queueRedis, 5000)])
    const app = await buildApp({ config, cacheRedis, queueRedis, logger })
    const basic = Buffer.from(`operator:${ADMIN_KEY}`).toString('base64')
    try {
      for (const headers of [
        { authorization: `Basic ${basic}` },
        { authorization: `Bearer ${ADMIN_KEY}` },
        { 'x-api-key': ADMIN_KEY },
        { authorization: `Basic ${Buffer.from(`operator:${ADMIN_KEY}x`).toString('base64')}` },
      ]) {
        for (const url of ['/admin/queues', '/admin/queues/api/queues']) {
          await app.inject({ url, headers })
        }
      }
      // Were a headers object logged, the key headers would be redacted.
      app.log.info({ headers: { authorization: `Bearer ${ADMIN_KEY}`, 'x-api-key': ADMIN_KEY } })
    } finally {
      await app.close()
    }
    expect(records.length).toBeGreaterThan(8)
    const output = JSON.stringify(records)
    expect(output).toContain('[redacted]')
    for (const secret of [ADMIN_KEY, basic]) expect(output).not.toContain(secret)
  })
})
