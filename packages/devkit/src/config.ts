/** The only module in devkit that reads process.env. */
export const devkitConfig = Object.freeze({
  /** Where tests look for Redis first; a private one is started if it does not answer. */
  testRedisUrl: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
})
