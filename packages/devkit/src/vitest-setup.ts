import type {} from 'vitest'
import type { TestProject } from 'vitest/node'
import { devkitConfig } from './config'
import { ensureRedis } from './redis'

declare module 'vitest' {
  export interface ProvidedContext {
    /**
     * A Redis every test file may use, under its own key and queue prefixes: one URL, or a
     * cluster's seed nodes separated by commas (then `redisCluster` is true).
     */
    redisUrl: string
    /** The run is on a Redis Cluster (`vitest-cluster-setup`). */
    redisCluster: boolean
  }
}

/** Vitest globalSetup: find Redis (or start a private one) once per run. */
export default async function setup(project: TestProject) {
  const redis = await ensureRedis(devkitConfig.testRedisUrl)
  project.provide('redisUrl', redis.url)
  project.provide('redisCluster', false)
  return () => redis.stop()
}
