// Plain JavaScript on purpose: Vite loads each package's vitest config with Node itself, which on
// Node 20 cannot import this package's TypeScript. Packages re-export this file as their config.
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

/** Finds (or starts) Redis once per run and gives BullMQ round trips room to finish. */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: [fileURLToPath(new URL('./src/vitest-setup.ts', import.meta.url))],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
})
