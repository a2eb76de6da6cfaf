import { decodeWrittenEvent, type WrittenEvent } from '@marketcache/shared/envelope'
import type { RedisClient } from '@marketcache/shared/redis-client'
import type { L1Cache } from './l1'

/** A pending wait for writes; `cancel` releases it early (e.g. the entry was already there). */
export interface WriteWait {
  /** The keys written before the deadline (all of them, unless it passed). */
  readonly written: Promise<ReadonlySet<string>>
  cancel(): void
}

type Listener = (key: string) => void

/** A consumer of every written event, whatever the key (the stream hub fans them out itself). */
export interface WriteWatcher {
  written(event: WrittenEvent): void
  /** The subscription dropped: events sent until it is back are lost. */
  lost(): void
}

/**
 * Turns the envelope writer's `{key, etag}` announcements into per-key waits, over ONE subscriber
 * connection per app however many requests wait. Register a wait BEFORE enqueueing and re-read
 * the key afterwards: then a write that lands in between is seen either by the re-read or by
 * the wait, never by neither.
 */
export class WrittenEvents {
  private readonly listeners = new Map<string, Set<Listener>>()
  /** Finishers of the waits in progress, so close() can end them at once. */
  private readonly active = new Set<() => void>()
  private readonly watchers = new Set<WriteWatcher>()
  private readonly onMessage = (channel: string, message: string) => {
    if (channel !== this.channel) return
    const event = decodeWrittenEvent(message)
    if (!event) return
    // The L1 copy goes first, so a waiter that re-reads finds Redis's version.
    this.l1?.drop(event.key)
    for (const listener of this.listeners.get(event.key) ?? []) listener(event.key)
    for (const watcher of this.watchers) watcher.written(event)
  }
  /** Events sent while the connection is down are lost: L1 cannot be trusted until it is back. */
  private readonly onDown = () => {
    this.l1?.suspend()
    for (const watcher of this.watchers) watcher.lost()
  }
  private readonly onReady = () => {
    // Subscribed again (ioredis resubscribes first; this SUBSCRIBE is answered after it).
    this.subscriber.subscribe(this.channel).then(
      () => this.l1?.resume(),
      () => {},
    )
  }

  constructor(
    private readonly subscriber: RedisClient,
    private readonly channel: string,
    private readonly l1?: L1Cache,
  ) {
    subscriber.on('message', this.onMessage)
    subscriber.on('close', this.onDown)
    subscriber.on('ready', this.onReady)
  }

  /**
   * Subscribes; true once the subscription is active. False after `timeoutMs` (RedisClient away): the
   * SUBSCRIBE stays queued and runs on connect, and waits meanwhile end by their deadline.
   */
  async start(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined
    const subscribed = this.subscriber.subscribe(this.channel).then(
      () => {
        this.l1?.resume()
        return true
      },
      () => false,
    )
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs)
    })
    try {
      return await Promise.race([subscribed, timeout])
    } finally {
      clearTimeout(timer)
    }
  }

  /** Waits until every key in `keys` has been written, or `timeoutMs` passes. */
  waitForWrites(keys: readonly string[], timeoutMs: number): WriteWait {
    const pending = new Set(keys)
    const written = new Set<string>()
    let timer: NodeJS.Timeout | undefined
    let resolveDone: (keys: ReadonlySet<string>) => void = () => {}
    const done = new Promise<ReadonlySet<string>>((resolve) => {
      resolveDone = resolve
    })
    const finish = () => {
      if (!this.active.delete(finish)) return
      clearTimeout(timer)
      for (const key of keys) this.removeListener(key, listener)
      resolveDone(written)
    }
    const listener: Listener = (key) => {
      if (!pending.delete(key)) return
      written.add(key)
      if (pending.size === 0) finish()
    }
    this.active.add(finish)
    for (const key of pending) this.addListener(key, listener)
    if (pending.size === 0 || timeoutMs <= 0) finish()
    else timer = setTimeout(finish, timeoutMs)
    return { written: done, cancel: finish }
  }

  /** Calls `watcher` on every written event (after L1 dropped its copy); returns the unwatch. */
  watch(watcher: WriteWatcher): () => void {
    this.watchers.add(watcher)
    return () => this.watchers.delete(watcher)
  }

  async close(): Promise<void> {
    this.subscriber.off('message', this.onMessage)
    this.subscriber.off('close', this.onDown)
    this.subscriber.off('ready', this.onReady)
    this.l1?.suspend()
    for (const finish of [...this.active]) finish()
    this.listeners.clear()
    this.watchers.clear()
  }

  private addListener(key: string, listener: Listener): void {
    const set = this.listeners.get(key) ?? new Set()
    set.add(listener)
    this.listeners.set(key, set)
  }

  private removeListener(key: string, listener: Listener): void {
    const set = this.listeners.get(key)
    if (!set) return
    set.delete(listener)
    if (set.size === 0) this.listeners.delete(key)
  }
}
