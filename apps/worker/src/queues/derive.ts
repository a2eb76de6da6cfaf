import type { WorkerConfig } from '../config'
import type { ProviderQueue, QueueDeps } from '../contracts/queue'
import { backtestProcessor } from '../processors/derive-backtest'
import { backtestBatchProcessor } from '../processors/derive-backtest-batch'
import { collarProcessor } from '../processors/derive-collar'
import { marketStatusProcessor } from '../processors/derive-market-status'
import { optionsSummaryProcessor } from '../processors/derive-options-summary'

/**
 * Derived jobs call no provider, so no quota applies; the limiter only stops a flood of them from
 * monopolising the worker's Redis round trips.
 */
const DERIVE_LIMITER = { max: 1000, duration: 1000 } as const

/** The `derive` queue: analytics computed from the clock and from cached inputs. */
export function deriveQueue(config: WorkerConfig, deps: QueueDeps): ProviderQueue<'derive'> {
  return {
    name: 'derive',
    provider: 'derived',
    limiter: DERIVE_LIMITER,
    concurrency: config.derive.concurrency,
    processors: {
      'derive.market-status': marketStatusProcessor(deps.context),
      'derive.collar': collarProcessor(deps.context),
      'derive.options-summary': optionsSummaryProcessor(deps.context),
      'derive.backtest': backtestProcessor(deps.context),
      'derive.backtest-batch': backtestBatchProcessor(),
    },
    // Holds nothing of its own: the writer and reader belong to the worker.
    close: async () => {},
  }
}
