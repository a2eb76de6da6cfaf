import { defineConfig } from 'tsup'

/**
 * One ESM file for Node 20. Workspace packages ship TypeScript sources, so they are bundled in;
 * third-party dependencies stay external and come from node_modules. (The CLI cannot say this:
 * it reads `--no-external` as "negate --external".)
 */
export default defineConfig({
  entry: ['src/server.ts'],
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  clean: true,
  noExternal: [/^@marketcache\//],
})
