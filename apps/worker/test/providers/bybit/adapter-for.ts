import { Keys } from '@marketcache/shared/keys'
import type { Redis } from 'ioredis'
import { loadConfig } from '../../../src/config'
import { createLogger, type Logger } from '../../../src/logger'
import { ProviderCallCounter } from '../../../src/provider-calls'
import { BybitAdapter } from '../../../src/providers/bybit/adapter'
import { BybitClient } from '../../../src/providers/bybit/client'
import type { Harness, Upstream } from '../../support/harness'

export interface AdapterOptions {
  env?: Record<string, string>
  pageSize?: number
  logger?: Logger
}

/**
 * A real client and adapter against `baseUrl`, counting calls under `keyPrefix`. Callers close
 * the client (`closeAll`).
 */
export function bybitAdapterFor(
  baseUrl: string,
  redis: Redis,
  keyPrefix: string,
  options: AdapterOptions = {},
): { adapter: BybitAdapter; client: BybitClient } {
  const config = loadConfig({ BYBIT_BASE_URL: baseUrl, BYBIT_TIMEOUT_MS: '500', ...options.env })
  const logger = options.logger ?? createLogger('silent')
  const client = new BybitClient(config.bybit, {
    counter: new ProviderCallCounter(redis, new Keys(keyPrefix), logger),
    logger,
  })
  const adapter = new BybitAdapter(client, {
    logger,
    ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
  })
  return { adapter, client }
}

/** An adapter on the harness's upstream, counting under its prefix, closed when it stops. */
export function bybitAdapterIn(h: Harness<Upstream>, options: AdapterOptions = {}): BybitAdapter {
  const origin = new URL(h.upstream.baseUrl).origin
  const { adapter, client } = bybitAdapterFor(origin, h.redis, h.keyPrefix, options)
  h.closeAfter(client)
  return adapter
}
