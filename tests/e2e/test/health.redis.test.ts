import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { WRITE_KEY } from '../src/stack'
import { eventually, type Stack, startStack } from './support/stack'

interface RedisSection {
  up: boolean
  maxmemory_policy?: string
  used_memory?: number
  nodes?: Record<string, { up: boolean; maxmemory_policy?: string }>
}
interface Detailed {
  status: string
  problems: string[]
  redis: { cache: RedisSection; queue: RedisSection }
  workers: unknown[]
}

describe('health on the Redis of this run (a server or a cluster)', () => {
  let stack: Stack
  beforeAll(async () => {
    stack = await startStack()
  })
  afterAll(() => stack.close())

  const detailed = async () => {
    const response = await stack.get('/health/detailed', { authorization: `Bearer ${WRITE_KEY}` })
    expect(response.status).toBe(200)
    return (await response.json()) as Detailed
  }

  it('is ready, and the detailed report sees Redis, the policy and the live worker', async () => {
    expect((await stack.get('/health/ready')).status).toBe(200)
    const report = await eventually(async () => {
      const next = await detailed()
      return next.workers.length > 0 ? next : undefined
    })
    expect(report.problems).toEqual([])
    expect(report.status).toBe('ok')
    expect(report.redis.queue).toMatchObject({ up: true, maxmemory_policy: 'noeviction' })
    expect(report.redis.cache.used_memory).toBeGreaterThan(0)
    // On a cluster, INFO is per node: every master is reported, and the summary covers them.
    const nodes = Object.values(report.redis.cache.nodes ?? {})
    expect(nodes).toHaveLength(inject('redisCluster') ? 3 : 0)
    for (const node of nodes)
      expect(node).toMatchObject({ up: true, maxmemory_policy: 'noeviction' })
  })

  it('counts the cached keys and reports memory in the stats', async () => {
    expect((await stack.get('/v1/coins/bitcoin')).status).toBe(200)
    expect((await stack.get('/v1/coins/ethereum')).status).toBe(200)
    const stats = (await (await stack.get('/v1/cache/stats')).json()) as {
      keys: Record<string, number>
      memory: { used_memory: number; used_memory_human: string }
    }
    expect(stats.keys).toMatchObject({ coin: 2 })
    expect(stats.memory.used_memory).toBeGreaterThan(0)
    expect(stats.memory.used_memory_human).toMatch(/^\d+(\.\d+)?[BKMGT]$/)
  })
})
