import type { QueueName } from '@marketcache/shared/jobs'
import type { WorkerConfig } from './config'
import { deriveQueue } from './derive/queue'
import { coingeckoCoinProcessor } from './processors/coingecko-coin'
import { coingeckoMarketsProcessor } from './processors/coingecko-markets'
import { coingeckoOhlcProcessor } from './processors/coingecko-ohlc'
import type { ProcessorContext } from './processors/processor'
import type { ProviderCallCounter } from './provider-calls'
import { bybitQueue } from './providers/bybit/queue'
import { CoinGeckoAdapter } from './providers/coingecko/adapter'
import { CoinGeckoClient } from './providers/coingecko/client'
import { ibkrQueue } from './providers/ibkr/queue'
import type { ProviderQueue } from './workers'

/** The queues this worker consumes. `control` joins here. */
export type ConsumedQueue = Extract<QueueName, 'coingecko' | 'bybit' | 'ibkr' | 'derive'>

export interface QueueDeps {
  context: ProcessorContext
  counter: ProviderCallCounter
}

function coingeckoQueue(config: WorkerConfig, deps: QueueDeps): ProviderQueue<'coingecko'> {
  const client = new CoinGeckoClient(config.coingecko, {
    counter: deps.counter,
    logger: deps.context.logger,
    now: deps.context.now,
  })
  const adapter = new CoinGeckoAdapter(client)
  return {
    name: 'coingecko',
    provider: 'coingecko',
    limiter: config.coingecko.limiter,
    concurrency: config.coingecko.concurrency,
    processors: {
      'coingecko.coin': coingeckoCoinProcessor(adapter, deps.context),
      'coingecko.markets': coingeckoMarketsProcessor(adapter, deps.context),
      'coingecko.ohlc': coingeckoOhlcProcessor(adapter, deps.context),
    },
    close: () => client.close(),
  }
}

/** Every consumed queue, keyed by name: a queue added to ConsumedQueue must be built here. */
export function providerQueues(
  config: WorkerConfig,
  deps: QueueDeps,
): { [Q in ConsumedQueue]: ProviderQueue<Q> } {
  return {
    coingecko: coingeckoQueue(config, deps),
    bybit: bybitQueue(config, deps),
    ibkr: ibkrQueue(config, deps),
    derive: deriveQueue(config, deps),
  }
}
