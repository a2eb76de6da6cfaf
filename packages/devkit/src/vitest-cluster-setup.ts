import type { TestProject } from 'vitest/node'
import { devkitConfig } from './config'
import { startRedisCluster } from './redis-cluster'
import type {} from './vitest-setup'

/** Vitest globalSetup of the cluster runs: a private 3-master Redis Cluster, once per run. */
export default async function setup(project: TestProject) {
  const cluster = await startRedisCluster({ basePort: devkitConfig.testClusterBasePort })
  project.provide('redisUrl', cluster.url)
  project.provide('redisCluster', true)
  return () => cluster.stop()
}
