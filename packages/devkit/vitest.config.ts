import { defineConfig } from 'vitest/config'

// Unit tests only: no Redis, so no global setup.
export default defineConfig({ test: { include: ['test/**/*.test.ts'] } })
