import { type JobPayload, producerJobOptions } from '@marketcache/shared/jobs'
import { dedupId } from '@marketcache/shared/keys'
import type { Queue } from 'bullmq'
import { type ScheduledTask, schedule } from 'node-cron'
import { MARKET_CALENDARS } from './derive/calendars/markets'
import type { Logger } from './logger'
import type { WarmSchedule } from './warm-schedule'

/**
 * How long a tick's dedup id stays claimed after its job finished. Replicas fire within
 * milliseconds of each other; this only has to outlast the slowest one, not the schedule.
 */
export const WARM_DEDUP_TTL_MS = 5 * 60_000

/** The tick a cron run belongs to: its scheduled second, identical on every replica. */
export function tickStartMs(scheduledAt: Date): number {
  return Math.round(scheduledAt.getTime() / 1000) * 1000
}

export interface WarmSchedules {
  stop(): Promise<void>
}

/**
 * Runs every warm-up schedule on this replica, and each once at start unless it says
 * `atStart: false`. All replicas run them; each tick enqueues with a deduplication id derived from
 * the tick (`start` at start), so N replicas produce one job per tick. A schedule bound to a
 * market enqueues only while that market is open.
 */
export function startWarmSchedules(
  schedules: readonly WarmSchedule[],
  queueFor: (name: WarmSchedule['request']['queue']) => Queue,
  logger: Logger,
  now: () => number = Date.now,
): WarmSchedules {
  const log = logger.child({ component: 'warm-schedules' })
  const cronLogger = {
    info: (message: string) => log.debug(message),
    warn: (message: string) => log.warn(message),
    error: (message: string | Error) => log.error({ err: message }, 'cron error'),
    debug: (message: string | Error) => log.debug({ detail: message }, 'cron'),
  }

  // Enqueues still in flight, so stop() can let them land before the queues close.
  const pending = new Set<Promise<void>>()

  /** `tick` names the run in its dedup id: a cron tick's second, or `start` for `atStart`. */
  const enqueue = async (warm: WarmSchedule, seenAt: number, tick: string): Promise<void> => {
    const { request } = warm
    if (warm.market && !MARKET_CALENDARS[warm.market](now()).is_open) {
      log.debug(
        { schedule: warm.name, tick, market: warm.market },
        'warm-up skipped: market closed',
      )
      return
    }
    const data: JobPayload = { ...request.data, origin: 'warm', seenAt }
    try {
      const job = await queueFor(request.queue).add(
        request.name,
        data,
        producerJobOptions(request, 'warm', {
          dedup: dedupId('warm', warm.name, tick),
          dedupTtlMs: WARM_DEDUP_TTL_MS,
        }),
      )
      log.debug({ schedule: warm.name, tick, jobId: job.id }, 'warm-up enqueued')
    } catch (error) {
      // The next tick tries again; a missed warm-up only costs a later miss.
      log.error({ err: error, schedule: warm.name, tick }, 'warm-up not enqueued')
    }
  }

  const track = (run: Promise<void>) => {
    pending.add(run)
    return run.finally(() => pending.delete(run))
  }
  const tasks: ScheduledTask[] = schedules.map((warm) =>
    schedule(
      warm.cron,
      ({ date }) => {
        const tick = tickStartMs(date)
        return track(enqueue(warm, tick, String(tick)))
      },
      { name: `warm-${warm.name}`, logger: cronLogger },
    ),
  )
  // Replicas starting within WARM_DEDUP_TTL_MS of each other share the one start-up job.
  for (const warm of schedules.filter((s) => s.atStart !== false)) {
    void track(enqueue(warm, now(), 'start'))
  }
  log.info({ schedules: schedules.map((s) => `${s.name} ${s.cron}`) }, 'warm-up schedules started')

  return {
    async stop() {
      await Promise.all(tasks.map((task) => task.destroy()))
      await Promise.all(pending)
    },
  }
}
