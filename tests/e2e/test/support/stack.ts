// Brings in the type of `inject('redisUrl')` that devkit's global setup provides.
import type {} from '@marketcache/devkit/vitest-setup'
import { inject } from 'vitest'
import { type StackOptions, startStack as start } from '../../src/stack'

export { eventually, type Stack, sleep } from '../../src/stack'

/** The whole stack on the Redis this test run found (or started): a server, or a cluster. */
export function startStack(options: Omit<StackOptions, 'redisUrl' | 'redisCluster'> = {}) {
  return start({ redisUrl: inject('redisUrl'), redisCluster: inject('redisCluster'), ...options })
}
