import { ConfigError } from '@marketcache/shared/env'
import { type JobRequest, JobRequestSchema } from '@marketcache/shared/jobs'
import { Market } from '@marketcache/shared/markets'
import { type Static, Type } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { validate as validCron } from 'node-cron'

/** One warm-up: on every tick of `cron` (and at start), enqueue `request` at warm-up priority. */
export const WarmScheduleSchema = Type.Object(
  {
    /** Part of each tick's dedup id, so it obeys key-segment rules (no `:`). */
    name: Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$' }),
    /** node-cron syntax; a sixth leading field counts seconds. */
    cron: Type.String({ minLength: 1 }),
    /**
     * Also enqueue once when the worker starts (once for replicas starting within minutes), so a
     * new install is warm before the first tick. @defaultValue true
     */
    atStart: Type.Optional(Type.Boolean()),
    /**
     * Only while this market's regular session is open (its exchange calendar, holidays and early
     * closes included); other ticks, and a start outside the session, enqueue nothing.
     */
    market: Type.Optional(Type.Union(Object.values(Market).map((m) => Type.Literal(m)))),
    request: JobRequestSchema,
  },
  { additionalProperties: false },
)

export interface WarmSchedule extends Static<typeof WarmScheduleSchema> {
  readonly request: JobRequest
}

const WarmSchedulesSchema = Type.Array(WarmScheduleSchema)

/** Parses the JSON list of schedules; every problem is reported under `variable`. */
export function parseWarmSchedules(json: string, variable: string): WarmSchedule[] {
  const fail = (detail: string) =>
    new ConfigError(`invalid configuration:\n  ${variable}: ${detail}`)
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch (error) {
    throw fail(`not valid JSON (${(error as Error).message})`)
  }
  const problem = Value.Errors(WarmSchedulesSchema, value).First()
  if (problem) throw fail(`${problem.path || '(root)'} ${problem.message}`)

  const schedules = value as WarmSchedule[]
  const names = new Set<string>()
  schedules.forEach((schedule, i) => {
    if (!validCron(schedule.cron))
      throw fail(`/${i}/cron "${schedule.cron}" is not a cron expression`)
    if (names.has(schedule.name)) throw fail(`/${i}/name "${schedule.name}" is used twice`)
    names.add(schedule.name)
  })
  return schedules
}
