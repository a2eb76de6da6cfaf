import type { WorkerConfig } from '../config'
import type { ProviderQueue, QueueDeps } from '../contracts/queue'
import { bybitCatalogProcessor } from '../processors/bybit-catalog'
import { bybitInstrumentsProcessor } from '../processors/bybit-instruments'
import { bybitKlineProcessor } from '../processors/bybit-kline'
import { bybitOptionCatalogProcessor } from '../processors/bybit-option-catalog'
import { bybitOptionChainProcessor } from '../processors/bybit-option-chain'
import { bybitSpotProcessor } from '../processors/bybit-spot'
import { BybitAdapter } from '../providers/bybit/adapter'
import { BybitClient } from '../providers/bybit/client'

/** The `bybit` queue: Bybit's limiter and concurrency, a processor per `bybit.*` job. */
export function bybitQueue(config: WorkerConfig, deps: QueueDeps): ProviderQueue<'bybit'> {
  const logger = deps.context.logger
  const client = new BybitClient(config.bybit, {
    counter: deps.counter,
    logger,
    now: deps.context.now,
  })
  const adapter = new BybitAdapter(client, { logger, now: deps.context.now })
  return {
    name: 'bybit',
    provider: 'bybit',
    limiter: config.bybit.limiter,
    concurrency: config.bybit.concurrency,
    processors: {
      'bybit.spot': bybitSpotProcessor(adapter, deps.context),
      'bybit.instruments': bybitInstrumentsProcessor(adapter, deps.context),
      'bybit.option-chain': bybitOptionChainProcessor(adapter, deps.context),
      'bybit.kline': bybitKlineProcessor(adapter, deps.context),
      'bybit.catalog': bybitCatalogProcessor(adapter, deps.context),
      'bybit.option-catalog': bybitOptionCatalogProcessor(adapter, deps.context),
    },
    close: () => client.close(),
  }
}
