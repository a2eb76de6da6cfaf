/**
 * One log line when a Redis server becomes unreachable and one when it is back, per process and
 * per server, however many connections (BullMQ duplicates its own) and reconnect attempts see the
 * outage. Event plumbing only: it takes clients that exist, and opens nothing.
 */

export interface OutageLogger {
  warn(details: object, message: string): void
  info(details: object, message: string): void
  debug(details: object, message: string): void
}

/** What it needs of an ioredis client. */
export interface WatchedClient {
  readonly status: string
  on(event: 'error', listener: (error: Error) => void): unknown
  on(event: 'ready', listener: () => void): unknown
}

/** Socket-level failures (and refused credentials): the server is not reachable as configured. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'NR_CLOSED',
])
const CONNECTION_MESSAGES =
  /^(WRONGPASS|NOAUTH|NOPERM)|Connection is closed|Stream isn't writeable|Reached the max retries|connect ETIMEDOUT|Command timed out|Socket closed/

/** True when `error` says the connection failed, rather than a command. */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true
  return error.name === 'MaxRetriesPerRequestError' || CONNECTION_MESSAGES.test(error.message)
}

export class RedisOutageLog {
  readonly #logger: OutageLogger
  readonly #down = new Set<string>()
  readonly #clients = new Map<string, WatchedClient[]>()

  constructor(logger: OutageLogger) {
    this.#logger = logger
  }

  /**
   * Follows a long-lived client of `server` (a label such as `cache`): its errors count as
   * connection errors, and its `ready` ends an outage of that server.
   */
  watch(server: string, client: WatchedClient): void {
    this.#clients.set(server, [...(this.#clients.get(server) ?? []), client])
    client.on('error', (error) => this.#lost(server, error))
    client.on('ready', () => {
      if (!this.#down.delete(server)) return
      this.#logger.info({ redis: server }, 'redis connection restored')
    })
  }

  /**
   * An error something else using `server` reported (a BullMQ worker or queue). Returns false when
   * it is not a connection error: the caller logs it as the failure it is.
   */
  report(server: string, error: unknown): boolean {
    if (!isConnectionError(error)) return false
    // A watched client that is ready says the server answers: this one is a straggler of an
    // outage already over (or a blip a watched client will report if it is more).
    const answering = (this.#clients.get(server) ?? []).some((client) => client.status === 'ready')
    if (answering) this.#logger.debug({ redis: server, err: messageOf(error) }, 'redis blip')
    else this.#lost(server, error)
    return true
  }

  /** True while `server` is in an outage this log has reported. */
  isDown(server: string): boolean {
    return this.#down.has(server)
  }

  #lost(server: string, error: unknown): void {
    if (this.#down.has(server)) {
      this.#logger.debug({ redis: server, err: messageOf(error) }, 'redis still unreachable')
      return
    }
    this.#down.add(server)
    this.#logger.warn(
      { redis: server, err: messageOf(error) },
      'redis connection lost; retrying in the background',
    )
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
