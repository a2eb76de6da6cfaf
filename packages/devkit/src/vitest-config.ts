import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

/**
 * The vitest config every package that talks to Redis uses: finds (or starts) Redis once per run
 * and gives BullMQ round trips room to finish.
 */
export function redisTestConfig() {
  return defineConfig({
    test: {
      include: ['test/**/*.test.ts'],
      globalSetup: [fileURLToPath(new URL('./vitest-setup.ts', import.meta.url))],
      testTimeout: 30_000,
      hookTimeout: 30_000,
    },
  })
}
