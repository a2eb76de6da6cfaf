import type { Writable } from 'node:stream'
import { isLater, type StreamVersion, type VersionMark } from './stream-events'

/** Why a stream was ended by the server. */
export const StreamEnd = {
  /** More entries waited for the client than STREAM_MAX_PENDING. */
  slow: 'slow',
  /** The client read nothing between two heartbeats. */
  stalled: 'stalled',
  /** Written events were lost (the subscription dropped, or a read failed): resume to catch up. */
  lost: 'lost',
  shutdown: 'shutdown',
} as const
export type StreamEnd = (typeof StreamEnd)[keyof typeof StreamEnd]

/** Versions known of this many entries before those already expired are forgotten. */
const SENT_PRUNE_AT = 1024

/**
 * One client's stream: what it was sent, and what waits for it. A client that reads slower than
 * the writes come is never buffered without bound: while its socket is full, each entry keeps
 * only its latest version (skip to latest), and past `maxPending` entries, or a heartbeat
 * interval without reading, the stream ends (the client resumes with Last-Event-ID).
 */
export class StreamConnection {
  /** The latest version sent, per entry, so an older or repeated one is never sent after it. */
  readonly #sent = new Map<string, VersionMark>()
  /** Waiting while the socket is full: the latest version of each entry. */
  readonly #pending = new Map<string, StreamVersion>()
  /** Offered while the catch-up is read; sent after it. */
  #priming: StreamVersion[] | null = []
  #congested = false
  /** Congested at the last heartbeat too. */
  #stalled = false
  #ended = false

  constructor(
    private readonly out: Writable,
    private readonly maxPending: number,
    private readonly end: (reason: StreamEnd) => void,
  ) {
    out.on('drain', () => this.#flush())
  }

  /** Sends `version` unless the client already has it, or a later one of its entry. */
  offer(version: StreamVersion): void {
    if (this.#ended) return
    if (this.#priming) this.#priming.push(version)
    else this.#deliver(version)
  }

  /** Sends the catch-up (`catchUp`), then what was offered while it was read. */
  primed(catchUp: readonly StreamVersion[]): void {
    const offered = this.#priming ?? []
    this.#priming = null
    for (const version of [...catchUp, ...offered]) this.#deliver(version)
  }

  /** A comment line that keeps proxies from closing an idle stream; ends a stalled one. */
  heartbeat(): void {
    if (this.#ended) return
    if (this.#congested) {
      if (this.#stalled) this.stop(StreamEnd.stalled)
      this.#stalled = true
      return
    }
    this.#write(': heartbeat\n\n')
  }

  stop(reason: StreamEnd): void {
    if (this.#ended) return
    this.#ended = true
    this.#pending.clear()
    this.end(reason)
  }

  #deliver(version: StreamVersion): void {
    if (this.#ended) return
    const { key } = version
    if (!isLater(version, this.#pending.get(key) ?? this.#sent.get(key))) return
    if (!this.#congested) {
      this.#send(version)
      return
    }
    // Re-inserted, so the waiting entries go out in the order of their latest versions.
    this.#pending.delete(key)
    this.#pending.set(key, version)
    if (this.#pending.size > this.maxPending) this.stop(StreamEnd.slow)
  }

  #send(version: StreamVersion): void {
    if (this.#sent.size >= SENT_PRUNE_AT) this.#forgetExpired(Date.now())
    this.#sent.delete(version.key)
    const { asOf, fetchedAt, until } = version
    this.#sent.set(version.key, { asOf, fetchedAt, until })
    this.#write(version.frame)
  }

  #write(chunk: string): void {
    if (!this.out.write(chunk)) this.#congested = true
  }

  #flush(): void {
    this.#congested = false
    this.#stalled = false
    for (const [key, version] of this.#pending) {
      if (this.#congested || this.#ended) return
      this.#pending.delete(key)
      this.#send(version)
    }
  }

  /** An index stream meets ever new entries; an expired one's version is not sent again. */
  #forgetExpired(now: number): void {
    for (const [key, version] of this.#sent) if (version.until <= now) this.#sent.delete(key)
  }
}
