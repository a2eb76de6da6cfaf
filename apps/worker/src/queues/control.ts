import type { ProviderQueue, QueueDeps } from '../contracts/queue'
import { invalidateProcessor } from '../processors/control-invalidate'

/** Commands that call no provider: no quota applies, and one at a time keeps them in order. */
const CONTROL_LIMITER = { max: 1000, duration: 1000 } as const

/** The `control` queue: commands on the cache itself (invalidation). */
export function controlQueue(deps: QueueDeps): ProviderQueue<'control'> {
  return {
    name: 'control',
    // It writes no entries of its own; failures never record negative entries here.
    provider: 'derived',
    limiter: CONTROL_LIMITER,
    concurrency: 1,
    processors: { 'control.invalidate': invalidateProcessor(deps.context) },
    close: async () => {},
  }
}
