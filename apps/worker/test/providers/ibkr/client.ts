import { Keys } from '@marketcache/shared/keys'
import type { Redis } from 'ioredis'
import { loadConfig } from '../../../src/config'
import { createLogger } from '../../../src/logger'
import { ProviderCallCounter } from '../../../src/provider-calls'
import { IbkrAdapter, type IbkrAdapterOptions } from '../../../src/providers/ibkr/adapter'
import { IbkrClient } from '../../../src/providers/ibkr/client'
import type { IbkrConfig } from '../../../src/providers/ibkr/config'

/** An adapter on its own client, counting calls under `keyPrefix`; close the client after. */
export function ibkrAdapterFor(
  baseUrl: string,
  counting: { redis: Redis; keyPrefix: string },
  env: Record<string, string> = {},
  options: IbkrAdapterOptions = {},
): { adapter: IbkrAdapter; client: IbkrClient; config: IbkrConfig } {
  const config = loadConfig({ IBKR_BASE_URL: baseUrl, IBKR_TIMEOUT_MS: '500', ...env }).ibkr
  const logger = createLogger('silent')
  const client = new IbkrClient(config, {
    counter: new ProviderCallCounter(counting.redis, new Keys(counting.keyPrefix), logger),
    logger,
  })
  return { adapter: new IbkrAdapter(client, options), client, config }
}

/** The gateway's base URL on a fixture server or the simulator (`<origin>/v1/api`). */
export function gatewayUrl(fixtureBaseUrl: string): string {
  return `${new URL(fixtureBaseUrl).origin}/v1/api`
}
