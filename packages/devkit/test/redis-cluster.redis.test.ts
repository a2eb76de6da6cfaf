import { existsSync } from 'node:fs'
import { createRedisClient } from '@marketcache/shared/redis-client'
import { Redis } from 'ioredis'
import { describe, expect, it } from 'vitest'
import { deletePrefix, testPrefix } from '../src/redis'
import { startRedisCluster } from '../src/redis-cluster'

describe('startRedisCluster', () => {
  it('serves every slot from three masters, and stop removes it', async () => {
    const cluster = await startRedisCluster({ basePort: 7150 })
    const client = createRedisClient(cluster.url, true, {})
    try {
      expect(cluster.urls).toHaveLength(3)
      const prefix = testPrefix()
      const keys = Array.from({ length: 50 }, (_, n) => `${prefix}:k${n}`)
      await Promise.all(keys.map((key) => client.set(key, '1')))
      // Spread over the masters: no common hash tag.
      const counts = await Promise.all(
        cluster.urls.map(async (url) => {
          const node = new Redis(url)
          const size = await node.dbsize()
          node.disconnect()
          return size
        }),
      )
      expect(counts.every((count) => count > 0)).toBe(true)
      expect(await deletePrefix(client, prefix)).toBe(50)
      expect(await client.exists(keys[0] as string)).toBe(0)
    } finally {
      client.disconnect()
      await cluster.stop()
    }
    expect(existsSync(cluster.dir)).toBe(false)
    const node = new Redis(cluster.urls[0] as string, {
      lazyConnect: true,
      retryStrategy: () => null,
    })
    node.on('error', () => {})
    await expect(node.connect()).rejects.toThrow()
    // Three servers and `redis-cli --cluster create` take seconds on a loaded machine (CI runs the
    // packages' suites side by side).
  }, 30_000)
})
