// Plain JavaScript, like vitest.config.mjs (which says why).
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

/**
 * The Redis suites again, on a private 3-master Redis Cluster: `inject('redisUrl')` is the seed
 * list and `inject('redisCluster')` is true. Only `*.redis.test.ts` files: the others do not
 * touch Redis.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.redis.test.ts'],
    globalSetup: [fileURLToPath(new URL('./src/vitest-cluster-setup.ts', import.meta.url))],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
})
