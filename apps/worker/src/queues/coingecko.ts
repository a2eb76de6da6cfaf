/**
 * Queue specs live in `src/queues/<queue>.ts`, not in `providers/<name>/queue.ts` as STYLE.md
 * suggests: a spec maps job names to processors, so it sits above `processors/`, and a provider
 * folder (adapters, clients, mappings) must never reach up into the processors built on it.
 */
import type { WorkerConfig } from '../config'
import type { ProviderQueue, QueueDeps } from '../contracts/queue'
import { coingeckoCatalogProcessor } from '../processors/coingecko-catalog'
import { coingeckoCoinProcessor } from '../processors/coingecko-coin'
import { coingeckoMarketsProcessor } from '../processors/coingecko-markets'
import { coingeckoOhlcProcessor } from '../processors/coingecko-ohlc'
import { CoinGeckoAdapter } from '../providers/coingecko/adapter'
import { CoinGeckoClient } from '../providers/coingecko/client'

/** The `coingecko` queue: CoinGecko's limiter and concurrency, a processor per `coingecko.*` job. */
export function coingeckoQueue(config: WorkerConfig, deps: QueueDeps): ProviderQueue<'coingecko'> {
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
      'coingecko.catalog': coingeckoCatalogProcessor(adapter, deps.context),
    },
    close: () => client.close(),
  }
}
