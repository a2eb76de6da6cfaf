import { type Static, Type } from '@sinclair/typebox'

/** The stream's defaults; each line says why it is what it is. */
const STREAM_DEFAULTS = {
  /**
   * An idle subscriber costs a socket and a few maps; a thousand per process leaves the event
   * loop room for reads while each write is fanned out.
   */
  STREAM_MAX_SUBSCRIBERS: 1000,
  /** Under the 30-60 s idle timeouts of common proxies and load balancers. */
  STREAM_HEARTBEAT_MS: 15_000,
  /**
   * Entries whose latest version waits for a slow client (one each: a newer version replaces
   * the waiting one). Past it, the client is dropped; it resumes with Last-Event-ID.
   */
  STREAM_MAX_PENDING: 256,
} as const

/** The variables of `GET /v1/stream` (read by `config.ts`, the only env reader). */
export const streamEnv = {
  STREAM_MAX_SUBSCRIBERS: Type.Integer({
    minimum: 0,
    default: STREAM_DEFAULTS.STREAM_MAX_SUBSCRIBERS,
  }),
  STREAM_HEARTBEAT_MS: Type.Integer({
    minimum: 100,
    maximum: 300_000,
    default: STREAM_DEFAULTS.STREAM_HEARTBEAT_MS,
  }),
  STREAM_MAX_PENDING: Type.Integer({ minimum: 1, default: STREAM_DEFAULTS.STREAM_MAX_PENDING }),
}
const StreamEnv = Type.Object(streamEnv)

/** Bounds of the live-update streams of one API process. */
export interface StreamLimits {
  readonly stream: {
    /** Open streams one process serves; past it, 503 OVERLOADED. @defaultValue 1000 */
    readonly maxSubscribers: number
    /** Comment lines sent this often keep proxies from closing an idle stream. @defaultValue 15000 */
    readonly heartbeatMs: number
    /**
     * Entries whose latest version may wait for one slow client before it is dropped. A client
     * that has not drained between two heartbeats is dropped too. @defaultValue 256
     */
    readonly maxPending: number
  }
}

export function streamLimitsFrom(vars: Static<typeof StreamEnv>): StreamLimits {
  return {
    stream: Object.freeze({
      maxSubscribers: vars.STREAM_MAX_SUBSCRIBERS,
      heartbeatMs: vars.STREAM_HEARTBEAT_MS,
      maxPending: vars.STREAM_MAX_PENDING,
    }),
  }
}
