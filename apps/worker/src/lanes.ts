import { AGED_PRIORITY, Priority } from '@marketcache/shared/jobs'
import type { RedisClient } from '@marketcache/shared/redis-client'
import type { Queue } from 'bullmq'
import type { Logger } from './logger'

/**
 * How misses share a queue with the other origins. Misses run first (their BullMQ priority), and
 * a flood of them, even capped by the API's miss backlog, would hold update-cache, stale
 * refreshes and warm-ups back for as long as it lasts. So while misses wait, a job of another
 * origin that has waited `agedAfterMs` is promoted to AGED_PRIORITY, ahead of the misses, at up to
 * `share` of the queue's rate: misses keep most of the quota and the other lanes never starve.
 */
export interface LaneSettings {
  /** How often the queue is looked at. */
  tickMs: number
  /** How long a job of another origin may be bypassed by misses. */
  agedAfterMs: number
  /** The part of the queue's rate aged jobs may take while misses wait, in (0, 1]. */
  share: number
}

export const LANE_DEFAULTS: LaneSettings = { tickMs: 1000, agedAfterMs: 2000, share: 0.25 }

/** Candidates looked at per promotion: the oldest of each lane come first, young ones are left. */
const LOOK_AHEAD = 4

export interface LaneKeeper {
  /** One look at the queue (what the timer runs); the number of jobs promoted. */
  tick(): Promise<number>
  stop(): void
}

/**
 * Keeps the lanes of one queue. Every replica runs a keeper; a lock in the queue Redis lets one
 * act per tick, and only that one earns promotions for it, so `share` holds for the whole fleet.
 */
export function keepLanes(
  queue: Queue,
  limiter: { max: number; duration: number },
  deps: { redis: RedisClient; logger: Logger; settings?: LaneSettings },
): LaneKeeper {
  const settings = deps.settings ?? LANE_DEFAULTS
  const perTick = ((limiter.max * settings.tickMs) / limiter.duration) * settings.share
  const lock = `${queue.qualifiedName}:lanes`
  // A token bucket: promotions earned at `perTick`, never more than one tick's worth saved up.
  let tokens = 0

  const tick = async (): Promise<number> => {
    const held = await deps.redis.set(lock, '1', 'PX', Math.max(1, settings.tickMs - 50), 'NX')
    if (held !== 'OK') return 0
    tokens = Math.min(Math.max(1, perTick), tokens + perTick)
    const counts = await queue.getCountsPerPriority([AGED_PRIORITY, Priority.miss])
    const aged = counts[AGED_PRIORITY] ?? 0
    const misses = counts[Priority.miss] ?? 0
    // Promoted jobs still waiting (a rate-limit pause) use up what they were promoted for.
    const want = Math.floor(tokens) - aged
    if (misses === 0 || want < 1) return 0

    const start = aged + misses
    const now = Date.now()
    const due = (await queue.getPrioritized(start, start + want * LOOK_AHEAD - 1))
      .filter((job) => job.priority > Priority.miss && now - job.timestamp >= settings.agedAfterMs)
      .slice(0, want)
    for (const job of due) await job.changePriority({ priority: AGED_PRIORITY })
    tokens -= due.length
    if (due.length > 0) {
      deps.logger.debug({ queue: queue.name, promoted: due.length, misses }, 'lanes: jobs aged')
    }
    return due.length
  }

  let busy = false
  const timer = setInterval(() => {
    if (busy) return
    busy = true
    // An outage is reported by the connection's own log; the next tick tries again.
    tick()
      .catch(() => 0)
      .finally(() => {
        busy = false
      })
  }, settings.tickMs)
  timer.unref()
  return { tick, stop: () => clearInterval(timer) }
}
