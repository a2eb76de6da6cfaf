/** The only module in devkit that reads process.env. */
export const devkitConfig = Object.freeze({
  /** Where tests look for Redis first; a private one is started if it does not answer. */
  testRedisUrl: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
})

/** What `pnpm start` reads; everything else is passed to the apps, which read their own. */
export const stackConfig = Object.freeze({
  redisUrl: process.env.CACHE_REDIS_URL ?? 'redis://127.0.0.1:6379',
  apiPort: Number(process.env.API_PORT ?? 3000),
  simulatorPort: Number(process.env.SIM_PORT ?? 4010),
  /** Providers set here are used as they are; the simulator stands in for the others. */
  providerUrls: {
    COINGECKO_BASE_URL: process.env.COINGECKO_BASE_URL,
    BYBIT_BASE_URL: process.env.BYBIT_BASE_URL,
    IBKR_BASE_URL: process.env.IBKR_BASE_URL,
  },
  apiKeys: process.env.API_KEYS,
  /** The environment the apps inherit. */
  env: process.env,
})
