import { type JobPayload, producerJobOptions } from '@marketcache/shared/jobs'
import { dedupId } from '@marketcache/shared/keys'
import type { Queue } from 'bullmq'
import { type ScheduledTask, schedule } from 'node-cron'
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
 * Runs every warm-up schedule on this replica. All replicas run them; each tick enqueues with a
 * deduplication id derived from the tick, so N replicas produce one job per tick.
 */
export function startWarmSchedules(
  schedules: readonly WarmSchedule[],
  queueFor: (name: WarmSchedule['request']['queue']) => Queue,
  logger: Logger,
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

  const enqueue = async (warm: WarmSchedule, scheduledAt: Date): Promise<void> => {
    const tick = tickStartMs(scheduledAt)
    const { request } = warm
    const data: JobPayload = { ...request.data, origin: 'warm', seenAt: tick }
    try {
      const job = await queueFor(request.queue).add(
        request.name,
        data,
        producerJobOptions(request, 'warm', {
          dedup: dedupId('warm', warm.name, String(tick)),
          dedupTtlMs: WARM_DEDUP_TTL_MS,
        }),
      )
      log.debug({ schedule: warm.name, tick, jobId: job.id }, 'warm-up enqueued')
    } catch (error) {
      // The next tick tries again; a missed warm-up only costs a later miss.
      log.error({ err: error, schedule: warm.name, tick }, 'warm-up not enqueued')
    }
  }

  const tasks: ScheduledTask[] = schedules.map((warm) =>
    schedule(
      warm.cron,
      ({ date }) => {
        const run = enqueue(warm, date)
        pending.add(run)
        return run.finally(() => pending.delete(run))
      },
      { name: `warm-${warm.name}`, logger: cronLogger },
    ),
  )
  log.info({ schedules: schedules.map((s) => `${s.name} ${s.cron}`) }, 'warm-up schedules started')

  return {
    async stop() {
      await Promise.all(tasks.map((task) => task.destroy()))
      await Promise.all(pending)
    },
  }
}
