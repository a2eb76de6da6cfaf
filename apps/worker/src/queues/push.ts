import type { ProviderQueue, QueueDeps } from '../contracts/queue'
import { pushWriteProcessor } from '../processors/push-write'

/**
 * Pushes call no provider, so no quota applies; the limiter only stops a flood of producers
 * from monopolising the worker's Redis round trips (a job carries up to 500 values).
 */
const PUSH_LIMITER = { max: 1000, duration: 1000 } as const

/** The `push` queue: values from the user's producers, written as they come. */
export function pushQueue(deps: QueueDeps): ProviderQueue<'push'> {
  return {
    name: 'push',
    provider: 'pushed',
    limiter: PUSH_LIMITER,
    concurrency: 4,
    processors: { 'push.write': pushWriteProcessor(deps.context) },
    close: async () => {},
  }
}
