import { Provider, type ProviderName } from '@marketcache/shared/providers'
import type { RedisClient } from '@marketcache/shared/redis-client'
import type { ProviderRate } from './miss-backlog'

/** One provider queue's limiter window, as the stats show it. */
export interface QuotaUse {
  /** Jobs started in the current window, at most `max` (a paused queue shows `max`). */
  used: number
  max: number
  remaining: number
  window_ms: number
  /** When the current window ends, in ms; null when none is open. */
  resets_in_ms: number | null
}

/**
 * Provider quota in use, read from the workers' BullMQ limiters: each provider queue has one
 * counter, `<queuePrefix>:<queue>:limiter`, that BullMQ increments as a worker starts a job and
 * gives the window's duration as its expiry on the first; `worker.rateLimit()` (after a 429) sets
 * it to MAX_SAFE_INTEGER for the pause. One pipelined GET and PTTL per provider, no scan; on a
 * cluster too, since the queue prefix's hash tag puts every limiter in one slot.
 */
export class ProviderQuota {
  constructor(
    private readonly redis: RedisClient,
    /** BullMQ's own key builder of each provider queue (`Queue.toKey`). */
    private readonly queues: Readonly<Record<ProviderName, { toKey(type: string): string }>>,
    private readonly rates: Readonly<Record<ProviderName, ProviderRate>>,
  ) {}

  async read(): Promise<Record<ProviderName, QuotaUse>> {
    const providers = Object.values(Provider)
    const pipeline = this.redis.pipeline()
    for (const provider of providers) {
      const limiter = this.queues[provider].toKey('limiter')
      pipeline.get(limiter).pttl(limiter)
    }
    const replies = (await pipeline.exec()) ?? []
    const failed = replies.find(([error]) => error)?.[0]
    if (failed) throw failed
    const entries = providers.map((provider, index) => {
      const counter = replies[index * 2]?.[1] as string | null
      const ttl = Number(replies[index * 2 + 1]?.[1])
      const { max, durationMs } = this.rates[provider]
      const used = Math.min(max, Math.max(0, Number(counter) || 0))
      const use: QuotaUse = {
        used,
        max,
        remaining: max - used,
        window_ms: durationMs,
        // PTTL is -2 without the key and -1 without an expiry: no window either way.
        resets_in_ms: ttl > 0 ? ttl : null,
      }
      return [provider, use] as const
    })
    return Object.fromEntries(entries) as Record<ProviderName, QuotaUse>
  }
}
