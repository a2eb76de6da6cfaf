import { type ServerProcess, startProcess } from '@marketcache/devkit/processes'
import { NO_CLIENT_LIMITS } from './measure'

/** An API process on a stack's prefixes: what `pnpm start` runs, with `env` over it. */
export function startApi(options: {
  redisUrl: string
  keyPrefix: string
  queuePrefix: string
  port: number
  env?: Record<string, string>
}): Promise<ServerProcess> {
  return startProcess({
    entry: 'apps/api/src/server.ts',
    port: options.port,
    probe: '/health/ready',
    env: {
      CACHE_REDIS_URL: options.redisUrl,
      KEY_PREFIX: options.keyPrefix,
      QUEUE_PREFIX: options.queuePrefix,
      API_HOST: '127.0.0.1',
      API_PORT: String(options.port),
      LOG_LEVEL: 'warn',
      ...NO_CLIENT_LIMITS,
      ...options.env,
    },
  })
}
