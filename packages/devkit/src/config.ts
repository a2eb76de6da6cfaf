/** The only module in devkit that reads process.env. */
export const devkitConfig = Object.freeze({
  /** Where tests look for Redis first; a private one is started if it does not answer. */
  testRedisUrl: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
  /** The cluster suites' nodes take the first free ports from here (bus ports 10000 above). */
  testClusterBasePort: Number(process.env.TEST_REDIS_CLUSTER_PORT ?? 7100),
  /** The environment the processes devkit starts inherit (`spawnEntry`). */
  env: process.env,
})

/** What `pnpm start` reads; everything else is passed to the apps, which read their own. */
export const stackConfig = Object.freeze({
  redisUrl: process.env.CACHE_REDIS_URL ?? 'redis://127.0.0.1:6379',
  /**
   * REDIS_CLUSTER=true: CACHE_REDIS_URL lists a cluster's seeds; without one that answers, a
   * private 3-master cluster is started (ports from 7100).
   */
  redisCluster: process.env.REDIS_CLUSTER === 'true',
  clusterUrl: process.env.CACHE_REDIS_URL ?? 'redis://127.0.0.1:7100',
  apiPort: Number(process.env.API_PORT ?? 3000),
  simulatorPort: Number(process.env.SIM_PORT ?? 4010),
  /** Providers set here are used as they are; the simulator stands in for the others. */
  providerUrls: {
    COINGECKO_BASE_URL: process.env.COINGECKO_BASE_URL,
    BYBIT_BASE_URL: process.env.BYBIT_BASE_URL,
    IBKR_BASE_URL: process.env.IBKR_BASE_URL,
  },
  apiKeys: process.env.API_KEYS,
  /** A queue Redis of its own, when set; else the queues share the cache's. */
  queueRedisUrl: process.env.QUEUE_REDIS_URL,
})
