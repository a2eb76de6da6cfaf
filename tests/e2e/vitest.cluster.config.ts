export { default } from '@marketcache/devkit/vitest-cluster-config'
