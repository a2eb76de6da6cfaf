import type { Writable } from 'node:stream'
import { type AnyDataset, isPushed } from '@marketcache/shared/dataset'
import type { StoredEntry, WrittenEvent } from '@marketcache/shared/envelope'
import { datasets, isDatasetName } from '@marketcache/shared/registry'
import type { FastifyBaseLogger } from 'fastify'
import { ApiError } from './errors'
import { readIndexMembers } from './index-members'
import type { ApiServices } from './services'
import { StreamConnection, StreamEnd } from './stream-connection'
import { catchUp, type LastSeen, type StreamVersion, streamVersion } from './stream-events'
import type { StreamLimits } from './stream-limits'
import type { StreamSelection } from './stream-selection'
import type { WriteWatcher } from './written-events'

/** The most index members a catch-up sends (the signal list's own maximum). */
const CATCH_UP_INDEX_MAX = 500
/** Seconds a refused client should wait: streams end as dashboards close, or try a replica. */
const OVERLOADED_RETRY_S = 5

interface Subscriber {
  connection: StreamConnection
  selection: StreamSelection
}

/** The subscribers of one entry, and the dataset and params its events name. */
interface EntryRoute {
  dataset: AnyDataset
  params: Readonly<Record<string, unknown>>
  subscribers: Set<Subscriber>
}

const indexId = (dataset: string, segment: string) => `${dataset}|${segment}`

/**
 * The live-update streams of one API process, fed by its one written-event subscription
 * (`WrittenEvents.watch`), never one per connection. Each written key that some stream follows is
 * read once, however many follow it (announcements that arrive while a read is out are read
 * together, in one round trip, in the order announced), and its event is built once and offered
 * to each stream. Entries are followed by key; a pushed dataset's index (the signals of AAPL) by
 * the written value's own segment.
 */
export class StreamHub implements WriteWatcher {
  readonly #entries = new Map<string, EntryRoute>()
  readonly #indexes = new Map<string, Set<Subscriber>>()
  /** Index streams per dataset, so writes nobody follows are not read. */
  readonly #indexed = new Map<string, number>()
  readonly #subscribers = new Set<Subscriber>()
  #pending = new Set<string>()
  #draining = false
  readonly #heartbeat: NodeJS.Timeout
  readonly #unwatch: () => void
  /** Streams the server ended, by reason. */
  readonly ended: Record<StreamEnd, number> = { slow: 0, stalled: 0, lost: 0, shutdown: 0 }

  constructor(
    private readonly services: ApiServices,
    private readonly limits: StreamLimits['stream'],
    private readonly log: FastifyBaseLogger,
  ) {
    this.#unwatch = services.events.watch(this)
    this.#heartbeat = setInterval(() => {
      for (const subscriber of this.#subscribers) subscriber.connection.heartbeat()
    }, limits.heartbeatMs)
    this.#heartbeat.unref()
  }

  /** Open streams. */
  get size(): number {
    return this.#subscribers.size
  }

  /**
   * Opens a stream of `selection` on `out`: admitted (else 503 OVERLOADED) and followed at once,
   * so nothing written from now on is missed; then the catch-up (`catchUp`) is read and written
   * before what was written meanwhile. When that read fails, nothing was written and it throws.
   * `destroy` closes the client's socket when the server ends the stream. Returns the close.
   */
  async open(
    selection: StreamSelection,
    seen: LastSeen | null,
    out: Writable,
    destroy: () => void,
  ): Promise<() => void> {
    if (this.#subscribers.size >= this.limits.maxSubscribers) {
      throw new ApiError(
        'OVERLOADED',
        `this API process serves ${this.limits.maxSubscribers} streams, as many as it may ` +
          `(STREAM_MAX_SUBSCRIBERS); retry in ${OVERLOADED_RETRY_S} s`,
        { headers: { 'retry-after': String(OVERLOADED_RETRY_S) } },
      )
    }
    const subscriber: Subscriber = {
      selection,
      connection: new StreamConnection(out, this.limits.maxPending, (reason) => {
        this.ended[reason] += 1
        this.#remove(subscriber)
        destroy()
      }),
    }
    this.#add(subscriber)
    try {
      subscriber.connection.primed(catchUp(await this.#current(selection), seen))
    } catch (error) {
      this.#remove(subscriber)
      throw error
    }
    return () => this.#remove(subscriber)
  }

  written({ key }: WrittenEvent): void {
    if (!this.#follows(key)) return
    this.#pending.add(key)
    if (!this.#draining) void this.#drain()
  }

  /** Announcements were lost: every stream ends, and its client resumes from its Last-Event-ID. */
  lost(): void {
    for (const subscriber of [...this.#subscribers]) subscriber.connection.stop(StreamEnd.lost)
  }

  close(): void {
    this.#unwatch()
    clearInterval(this.#heartbeat)
    for (const subscriber of [...this.#subscribers]) subscriber.connection.stop(StreamEnd.shutdown)
  }

  #follows(key: string): boolean {
    if (this.#entries.has(key)) return true
    if (this.#indexed.size === 0) return false
    const dataset = this.services.keys.datasetOf(key)
    return dataset !== null && this.#indexed.has(dataset)
  }

  async #drain(): Promise<void> {
    this.#draining = true
    try {
      while (this.#pending.size > 0) {
        const batch = [...this.#pending]
        this.#pending = new Set()
        const entries = await this.services.reader.readMany(batch)
        batch.forEach((key, i) => {
          this.#dispatch(key, entries[i] ?? null)
        })
      }
    } catch (error) {
      this.#pending = new Set()
      this.log.warn(
        { err: error instanceof Error ? error.message : String(error) },
        'written entries not read: streams end, and their clients resume',
      )
      this.lost()
    } finally {
      this.#draining = false
    }
  }

  #dispatch(key: string, entry: StoredEntry | null): void {
    if (entry === null || 'notFound' in entry) return
    const route = this.#entries.get(key)
    let dataset = route?.dataset
    let params = route?.params
    let indexed: Set<Subscriber> | undefined
    const name = this.services.keys.datasetOf(key)
    if (name !== null && this.#indexed.has(name) && isDatasetName(name)) {
      const pushed: AnyDataset = datasets[name]
      if (isPushed(pushed) && pushed.push.index) {
        const value = JSON.parse(entry.data)
        indexed = this.#indexes.get(indexId(name, pushed.push.index.segment(value)))
        if (indexed) {
          dataset ??= pushed
          params ??= pushed.push.paramsOf(value)
        }
      }
    }
    if (dataset === undefined || params === undefined) return
    const version = streamVersion(key, dataset, params, entry)
    for (const subscriber of route?.subscribers ?? []) subscriber.connection.offer(version)
    for (const subscriber of indexed ?? []) subscriber.connection.offer(version)
  }

  /** The current version of every selected entry. */
  async #current({ entries, index }: StreamSelection): Promise<StreamVersion[]> {
    const versions: StreamVersion[] = []
    const stored = await this.services.reader.readMany(entries.map((entry) => entry.key))
    entries.forEach(({ key, dataset, params }, i) => {
      const entry = stored[i]
      if (entry && !('notFound' in entry)) versions.push(streamVersion(key, dataset, params, entry))
    })
    if (index) {
      const { dataset, segment } = index
      const members = await readIndexMembers(this.services, dataset, segment, CATCH_UP_INDEX_MAX)
      for (const { key, envelope } of members) {
        const params = dataset.push.paramsOf(JSON.parse(envelope.data))
        versions.push(streamVersion(key, dataset, params, envelope))
      }
    }
    return versions
  }

  #add(subscriber: Subscriber): void {
    this.#subscribers.add(subscriber)
    const { entries, index } = subscriber.selection
    for (const { key, dataset, params } of entries) {
      const route = this.#entries.get(key) ?? { dataset, params, subscribers: new Set() }
      route.subscribers.add(subscriber)
      this.#entries.set(key, route)
    }
    if (index) {
      const id = indexId(index.dataset.name, index.segment)
      const set = this.#indexes.get(id) ?? new Set()
      set.add(subscriber)
      this.#indexes.set(id, set)
      this.#indexed.set(index.dataset.name, (this.#indexed.get(index.dataset.name) ?? 0) + 1)
    }
  }

  #remove(subscriber: Subscriber): void {
    if (!this.#subscribers.delete(subscriber)) return
    const { entries, index } = subscriber.selection
    for (const { key } of entries) {
      const route = this.#entries.get(key)
      route?.subscribers.delete(subscriber)
      if (route?.subscribers.size === 0) this.#entries.delete(key)
    }
    if (index) {
      const id = indexId(index.dataset.name, index.segment)
      const set = this.#indexes.get(id)
      set?.delete(subscriber)
      if (set?.size === 0) this.#indexes.delete(id)
      const left = (this.#indexed.get(index.dataset.name) ?? 1) - 1
      if (left === 0) this.#indexed.delete(index.dataset.name)
      else this.#indexed.set(index.dataset.name, left)
    }
  }
}
