/**
 * The queue Redis must never evict: BullMQ keeps jobs, locks and deduplication ids there, and an
 * evicted key is a lost, stuck or duplicated job. The rules live here; each app reads the settings
 * through its own client (a `ConfigGet`), so this module opens nothing.
 */

export const REQUIRED_POLICY = 'noeviction'

/** `CONFIG GET <parameter>` as ioredis answers it: `[name, value, ...]`. */
export type ConfigGet = (parameter: string) => Promise<unknown>

export interface QueueRedisSettings {
  /** `maxmemory-policy`. */
  policy: string
  /** AOF on, or at least one RDB save point. */
  persistent: boolean
}

/** What the operator reads: the setting, why, and the fix. */
export function evictionMessage(policy: string): string {
  return (
    `the queue Redis (QUEUE_REDIS_URL, or CACHE_REDIS_URL when unset) has maxmemory-policy ` +
    `${policy}; BullMQ needs ${REQUIRED_POLICY}, or evicted keys lose jobs. Fix it with ` +
    `\`redis-cli CONFIG SET maxmemory-policy ${REQUIRED_POLICY}\` (then CONFIG REWRITE), or ` +
    `\`maxmemory-policy ${REQUIRED_POLICY}\` in redis.conf`
  )
}

export const CONFIG_REFUSED_WARNING =
  `the queue Redis refuses CONFIG GET, so its maxmemory-policy cannot be checked; make sure it ` +
  `is ${REQUIRED_POLICY}`

export const NO_PERSISTENCE_WARNING =
  'the queue Redis has no persistence (appendonly no and no save points): a restart loses every ' +
  'queued job; set `appendonly yes` for production'

/** Thrown at start when the queue Redis evicts; the message names the setting and the fix. */
export class QueueRedisEvictsError extends Error {
  static readonly code = 'QUEUE_REDIS_EVICTS'
  readonly code = QueueRedisEvictsError.code
  override name = 'QueueRedisEvictsError'

  constructor(readonly policy: string) {
    super(evictionMessage(policy))
  }
}

/**
 * The queue Redis's settings, or null when it refuses CONFIG (managed services often disable or
 * rename it). Several servers (a cluster's masters, each with its own settings) read as one: the
 * first policy that is not `noeviction`, persistent only when every one is. Connection failures
 * are not caught: the caller decides what an outage means.
 */
export async function readQueueRedisSettings(
  configGet: ConfigGet | readonly ConfigGet[],
): Promise<QueueRedisSettings | null> {
  const servers = typeof configGet === 'function' ? [configGet] : configGet
  const each = await Promise.all(servers.map(readServerSettings))
  if (each.some((settings) => settings === null)) return null
  const known = each as QueueRedisSettings[]
  return {
    policy: known.map(({ policy }) => policy).find((p) => p !== REQUIRED_POLICY) ?? REQUIRED_POLICY,
    persistent: known.every(({ persistent }) => persistent),
  }
}

async function readServerSettings(configGet: ConfigGet): Promise<QueueRedisSettings | null> {
  try {
    const [policy, appendonly, save] = await Promise.all(
      ['maxmemory-policy', 'appendonly', 'save'].map(async (name) =>
        settingIn(await configGet(name), name),
      ),
    )
    return { policy: policy ?? 'unknown', persistent: appendonly === 'yes' || (save ?? '') !== '' }
  } catch (error) {
    if (error instanceof Error && /unknown command|NOPERM|no permissions/i.test(error.message)) {
      return null
    }
    throw error
  }
}

/**
 * The start-up check of both apps: throws QueueRedisEvictsError unless the policy is
 * `noeviction` (on every server given); warns once when it cannot tell, and once when nothing is
 * persisted.
 */
export async function assertQueueRedis(
  configGet: ConfigGet | readonly ConfigGet[],
  logger: { warn(details: object, message: string): void },
): Promise<void> {
  const settings = await readQueueRedisSettings(configGet)
  if (!settings) {
    logger.warn({ redis: 'queue' }, CONFIG_REFUSED_WARNING)
    return
  }
  if (settings.policy !== REQUIRED_POLICY) throw new QueueRedisEvictsError(settings.policy)
  if (!settings.persistent) logger.warn({ redis: 'queue' }, NO_PERSISTENCE_WARNING)
}

function settingIn(reply: unknown, name: string): string | undefined {
  if (!Array.isArray(reply)) return undefined
  const index = reply.indexOf(name)
  const value = index === -1 ? undefined : reply[index + 1]
  return typeof value === 'string' ? value : undefined
}
