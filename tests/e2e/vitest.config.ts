import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

/**
 * The settings of devkit's `redisTestConfig()`. That helper cannot be imported here: Vite 8
 * externalises workspace packages when it bundles this file and Node 20 cannot load their
 * TypeScript. Only the setup file's path is resolved here; vitest's runner loads it.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: [fileURLToPath(import.meta.resolve('@marketcache/devkit/vitest-setup'))],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
})
