import type { ServerProcess } from '@marketcache/devkit/processes'
import { startRedisCluster } from '@marketcache/devkit/redis-cluster'
import { startStack } from '@marketcache/e2e/stack'
import autocannon from 'autocannon'
import { fmt, measureGets, NO_CLIENT_LIMITS } from './measure'
import { startApi } from './processes'

const PATH = '/v1/coins/bitcoin'
const DURATION_S = 5
const CONNECTIONS = 50
/** Ports of the cluster's nodes and of the API processes, away from the tests' and 1b's. */
const CLUSTER_BASE_PORT = 7300
const API_PORTS = [3730, 3731]

/** Requests per second of `servers` loaded together, the connections split between them. */
async function hitRate(servers: readonly ServerProcess[]): Promise<number> {
  const results = await Promise.all(
    servers.map((server) =>
      autocannon({
        url: `${server.url}${PATH}`,
        connections: Math.round(CONNECTIONS / servers.length),
        duration: DURATION_S,
      }),
    ),
  )
  for (const result of results) {
    if (result.non2xx > 0 || result.errors > 0) throw new Error('cluster hits: errors or non-2xx')
  }
  return results.reduce((sum, result) => sum + result.requests.average, 0)
}

/**
 * 7. On a 3-master Redis Cluster (devkit's, on loopback): hit throughput of 1 and of 2 API
 * processes (the load generator and both share the machine's cores), and the stampede: 1000
 * concurrent cold reads of one coin over the 2 API processes, against a worker on the cluster.
 */
export async function cluster(latencyMs: number): Promise<void> {
  const redis = await startRedisCluster({ basePort: CLUSTER_BASE_PORT })
  const stack = await startStack({
    redisUrl: redis.url,
    redisCluster: true,
    sim: { latencyMs },
    apiEnv: { READ_WAIT_MS: '10000', ...NO_CLIENT_LIMITS },
  })
  const apis: ServerProcess[] = []
  try {
    await (await stack.get(PATH)).arrayBuffer()
    for (const port of API_PORTS) {
      apis.push(
        await startApi({
          redisUrl: redis.url,
          keyPrefix: stack.keyPrefix,
          queuePrefix: stack.queuePrefix,
          port,
          env: { REDIS_CLUSTER: 'true', READ_WAIT_MS: '10000' },
        }),
      )
    }
    // JIT warm-up, and each process's L1 filled.
    for (const api of apis) {
      await autocannon({ url: `${api.url}${PATH}`, connections: CONNECTIONS, amount: 20_000 })
    }
    const one = await hitRate(apis.slice(0, 1))
    const two = await hitRate(apis)
    const before = (await stack.simStats()).byCoin.polkadot ?? 0
    const [burst] = await Promise.all(
      apis.map((api) =>
        measureGets(api.url, () => '/v1/coins/polkadot', { total: 500, connections: 500 }),
      ),
    )
    const calls = ((await stack.simStats()).byCoin.polkadot ?? 0) - before
    console.log(`7. Redis Cluster, 3 masters on loopback (${redis.url})`)
    console.log(
      `   hits, 1 API process   ${fmt(one, 0)} req/s\n   hits, 2 API processes ${fmt(two, 0)} req/s   (${fmt(two / one)}x; 2 cores shared with the load generator)`,
    )
    console.log(
      `   stampede: 1000 concurrent cold reads of one coin over the 2 processes: provider calls ${calls}   p50 ${fmt(burst?.p50Ms ?? 0)} ms   p99 ${fmt(burst?.p99Ms ?? 0)} ms\n`,
    )
  } finally {
    await Promise.all(apis.map((api) => api.stop()))
    await stack.close()
    await redis.stop()
  }
}
