export { default } from '@marketcache/devkit/vitest-config'
