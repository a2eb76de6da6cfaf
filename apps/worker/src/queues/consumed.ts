import type { WorkerConfig } from '../config'
import type { ConsumedQueue, ProviderQueue, QueueDeps } from '../contracts/queue'
import { bybitQueue } from './bybit'
import { coingeckoQueue } from './coingecko'
import { controlQueue } from './control'
import { deriveQueue } from './derive'
import { ibkrQueue } from './ibkr'
import { pushQueue } from './push'

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
    control: controlQueue(deps),
    push: pushQueue(deps),
  }
}
