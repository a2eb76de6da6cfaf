import { connect } from 'node:net'
import { testPrefix } from '@marketcache/devkit/redis'
import { describe, expect, inject, it } from 'vitest'
import { buildApp } from '../src/app'
import { loadConfig } from '../src/config'
import { createApiClients, whenReady } from '../src/redis-clients'
import { captureLog } from './fixtures/capture-log'
import { eventually, TestKeys } from './fixtures/test-app'

describe('a client that hangs up mid-body', () => {
  it('is logged at info, not as an unexpected error, and the server keeps serving', async () => {
    const { logger, records } = captureLog('info')
    const config = loadConfig({
      CACHE_REDIS_URL: inject('redisUrl'),
      KEY_PREFIX: testPrefix('mc'),
      QUEUE_PREFIX: testPrefix('q'),
      API_KEYS: `${TestKeys.writer}:write`,
    })
    const { cacheRedis, queueRedis } = createApiClients(config, logger)
    await Promise.all([whenReady(cacheRedis, 5000), whenReady(queueRedis, 5000)])
    const app = await buildApp({ config, cacheRedis, queueRedis, logger })
    try {
      await app.listen({ host: '127.0.0.1', port: 0 })
      const { port } = app.server.address() as { port: number }
      const socket = connect(port, '127.0.0.1')
      await new Promise<void>((resolve) => socket.once('connect', resolve))
      socket.write(
        [
          'POST /v1/update-cache HTTP/1.1',
          `Host: 127.0.0.1:${port}`,
          `Authorization: Bearer ${TestKeys.writer}`,
          'Content-Type: application/json',
          'Content-Length: 200',
          '',
          '{"coin_id":"bit',
        ].join('\r\n'),
      )
      await new Promise((resolve) => setTimeout(resolve, 100))
      socket.destroy()

      const aborted = await eventually(async () =>
        records.find((r) => r.msg === 'client closed the request before its body arrived'),
      )
      expect(aborted.level).toBe(30)
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(records.filter((r) => (r.level as number) >= 50)).toEqual([])
      const health = await fetch(`http://127.0.0.1:${port}/health`)
      expect(health.status).toBe(200)
    } finally {
      await app.close()
    }
  })
})
