import { setTimeout as sleep } from 'node:timers/promises'
import type { RedisClient } from '@marketcache/shared/redis-client'
import type { Logger } from '../logger'

/**
 * Reserves the next call slot of a provider for every worker replica: slots `ARGV[1]` ms apart,
 * on the Redis server's clock (replicas' clocks may differ). Returns how long the caller waits.

  KEYS[1] the provider's pacing key (one key: one slot on a cluster)
  ARGV[1] the spacing between calls, in ms
 */
const RESERVE_LUA = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local spacing = tonumber(ARGV[1])
local at = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
redis.call('SET', KEYS[1], at + spacing, 'PX', at + spacing - now + 1000)
return at - now
`

type PacingRedis = RedisClient & {
  reserveCallSlot(key: string, spacingMs: number): Promise<number>
}

/**
 * A provider's per-call pacing shared by every worker process through Redis: each call takes the
 * next free slot of one schedule, so M workers against one gateway together stay within its
 * limit. One round trip per call, small beside the spacing it enforces. While Redis does not
 * answer, calls go on this process's own pacing alone (logged once).
 */
export class FleetPacing {
  readonly #redis: PacingRedis
  #down = false

  constructor(
    redis: RedisClient,
    private readonly key: string,
    private readonly logger: Logger,
  ) {
    if (!('reserveCallSlot' in redis)) {
      redis.defineCommand('reserveCallSlot', { numberOfKeys: 1, lua: RESERVE_LUA })
    }
    this.#redis = redis as PacingRedis
  }

  /** Waits for this call's slot among every replica's calls, `spacingMs` after the previous one. */
  async wait(spacingMs: number): Promise<void> {
    let delay: number
    try {
      delay = await this.#redis.reserveCallSlot(this.key, Math.ceil(spacingMs))
    } catch (error) {
      if (!this.#down) {
        this.logger.warn(
          { err: error, key: this.key },
          'shared pacing unreachable: pacing per process',
        )
      }
      this.#down = true
      return
    }
    if (this.#down) this.logger.info({ key: this.key }, 'shared pacing reachable again')
    this.#down = false
    if (delay > 0) await sleep(delay)
  }
}
