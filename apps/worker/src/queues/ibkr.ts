import type { WorkerConfig } from '../config'
import type { ProviderQueue, QueueDeps } from '../contracts/queue'
import { ibkrHistoryProcessor } from '../processors/ibkr-history'
import { ibkrInstrumentsProcessor } from '../processors/ibkr-instruments'
import { ibkrOptionChainProcessor } from '../processors/ibkr-option-chain'
import { ibkrQuoteProcessor } from '../processors/ibkr-quote'
import { ibkrSpotProcessor } from '../processors/ibkr-spot'
import { FleetPacing } from '../providers/fleet-pacing'
import { IbkrAdapter } from '../providers/ibkr/adapter'
import { IbkrClient } from '../providers/ibkr/client'

/**
 * The `ibkr` queue: one Client Portal gateway behind a limiter at its pacing (10/s by default),
 * and one client whose pacer spaces the many calls a single job makes, across every replica.
 */
export function ibkrQueue(config: WorkerConfig, deps: QueueDeps): ProviderQueue<'ibkr'> {
  // No injected clock: pacing and pauses run on wall-clock time.
  const { logger } = deps.context
  const client = new IbkrClient(config.ibkr, {
    counter: deps.counter,
    logger,
    // The gateway paces per session, however many workers call it.
    fleet: new FleetPacing(deps.fleet.redis, deps.fleet.keys.providerPacing('ibkr'), logger),
  })
  const adapter = new IbkrAdapter(client)
  const limits = config.ibkr.chain
  return {
    name: 'ibkr',
    provider: 'ibkr',
    limiter: config.ibkr.limiter,
    concurrency: config.ibkr.concurrency,
    processors: {
      'ibkr.spot': ibkrSpotProcessor(adapter, deps.context),
      'ibkr.instruments': ibkrInstrumentsProcessor(adapter, deps.context, limits),
      'ibkr.option-chain': ibkrOptionChainProcessor(adapter, deps.context, limits),
      'ibkr.history': ibkrHistoryProcessor(adapter, deps.context),
      'ibkr.quote': ibkrQuoteProcessor(adapter, deps.context),
    },
    close: () => client.close(),
  }
}
