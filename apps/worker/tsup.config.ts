import { defineConfig } from 'tsup'

/**
 * The worker's production bundle. @marketcache/shared ships TypeScript source, so it is bundled
 * in; every other dependency stays external and comes from node_modules at run time. (tsup's CLI
 * has no flag for `noExternal`, hence this file.)
 */
export default defineConfig({
  entry: ['src/main.ts'],
  format: ['esm'],
  target: 'node20',
  clean: true,
  noExternal: ['@marketcache/shared'],
  // Error class names (ProviderUnavailableError, ...) show up in logs as written.
  keepNames: true,
})
