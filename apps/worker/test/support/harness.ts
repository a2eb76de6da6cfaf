import { simulatedProviderUrls } from '@marketcache/devkit/simulated-providers'
import { type AnyDataset, cacheKey } from '@marketcache/shared/dataset'
import { type JobOrigin, type JobRequest, producerJobOptions } from '@marketcache/shared/jobs'
import { Keys } from '@marketcache/shared/keys'
import type { Static } from '@sinclair/typebox'
import type { Job } from 'bullmq'
import { afterAll, afterEach, beforeAll } from 'vitest'
import type { WorkerConfig } from '../../src/config'
import type { ConsumedQueue } from '../../src/contracts/queue'
import { createLogger, type LogLevel } from '../../src/logger'
import { type RunningWorker, startWorker } from '../../src/start-worker'
import { captureLogger } from './capture-logger'
import { testConfig, testRedis } from './config'
import { settled } from './wait'

/** What a harness points every provider at: the simulator or a fixture server. */
export interface Upstream {
  /** CoinGecko's base URL, `<origin>/api/v3`; Bybit (`<origin>`) and IBKR (`<origin>/v1/api`) share the origin. */
  baseUrl: string
  /** Forgets what it was asked (calls, stats, canned answers), between tests. */
  reset(): Promise<void>
  close(): Promise<void>
}

export interface HarnessOptions<U extends Upstream | undefined = undefined> {
  /**
   * The providers' upstream: a function starting one (the harness then closes it on `stop`) or
   * one already running (left open). @defaultValue none: nothing may call a provider
   */
  upstream?: U | (() => Promise<U>)
  /** Worker env on top of `testConfig`'s. */
  env?: Record<string, string>
  /** The processors' clock. @defaultValue Date.now */
  now?: () => number
  /** Freshness jitter in [0, 1). @defaultValue Math.random */
  random?: () => number
  /**
   * The queues that get a BullMQ worker (`[]` for tests of provider clients, which need only the
   * upstream, the prefixes and the clean-up); producers exist on every queue.
   * @defaultValue every queue
   */
  queues?: readonly ConsumedQueue[]
  /** Captures the worker's log lines at this level into `logs`. @defaultValue silent */
  logs?: LogLevel
}

export interface Harness<U extends Upstream | undefined = undefined>
  extends ReturnType<typeof testRedis> {
  upstream: U
  config: WorkerConfig
  keys: Keys
  worker: RunningWorker
  /** Parsed log records and raw lines, when `logs` was given. */
  logs: { lines: string[]; records: Record<string, unknown>[] }
  /** Enqueues like a producer does (payload + origin, shared job options) on the request's queue. */
  add(
    request: JobRequest,
    origin?: JobOrigin,
    options?: Parameters<typeof producerJobOptions>[2],
  ): Promise<Job & { id: string }>
  /** Waits until the job has completed or failed, and returns it re-read. */
  settled(job: Job & { id: string }, timeoutMs?: number): Promise<Job>
  /** `add`, then `settled`. */
  run(
    request: JobRequest,
    origin?: JobOrigin,
    options?: Parameters<typeof producerJobOptions>[2],
  ): Promise<Job>
  /** Every job of that name the queue still holds, in any state. */
  jobs(queue: ConsumedQueue, name: JobRequest['name']): Promise<Job[]>
  key<D extends AnyDataset>(dataset: D, params: Static<D['params']>): string
  /** Closes these (provider clients a test built, say) first on `stop`. */
  closeAfter(...closables: { close(): Promise<void> }[]): void
  stop(): Promise<void>
}

/** Test env every harness starts from: limits high enough not to slow tests, small IBKR chains. */
const HARNESS_ENV = {
  BYBIT_RATE_MAX: '1000',
  BYBIT_TIMEOUT_MS: '5000',
  IBKR_TIMEOUT_MS: '2000',
  IBKR_CHAIN_MONTHS: '1',
  IBKR_CHAIN_STRIKES: '3',
}

/**
 * A worker on its own key and queue prefixes, real Redis and BullMQ, every provider pointed at
 * `upstream`. `stop` closes what the harness started and deletes only its own prefixes.
 */
export async function startHarness<U extends Upstream | undefined = undefined>(
  options: HarnessOptions<U> = {},
): Promise<Harness<U>> {
  const owned = typeof options.upstream === 'function'
  const upstream = (
    typeof options.upstream === 'function' ? await options.upstream() : options.upstream
  ) as U
  const origin = upstream ? new URL(upstream.baseUrl).origin : undefined
  const t = testRedis()
  const config = testConfig(t, {
    ...HARNESS_ENV,
    ...(origin ? simulatedProviderUrls(origin) : {}),
    ...options.env,
  })
  const captured = options.logs ? captureLogger(options.logs) : undefined
  const logger = captured?.logger ?? createLogger('silent')
  const worker = await startWorker(config, {
    logger,
    ...(options.now ? { now: options.now } : {}),
    ...(options.random ? { random: options.random } : {}),
    ...(options.queues ? { run: options.queues } : {}),
  })
  const keys = new Keys(t.keyPrefix)

  const add: Harness<U>['add'] = async (request, origin = 'miss', jobOptions) => {
    const job = await worker.queues[request.queue as ConsumedQueue].add(
      request.name,
      { ...request.data, origin },
      producerJobOptions(request, origin, jobOptions),
    )
    return job as Job & { id: string }
  }
  const closables: { close(): Promise<void> }[] = []
  const settledJob: Harness<U>['settled'] = (job, timeoutMs = 30_000) =>
    settled(worker.queues[job.queueName as ConsumedQueue], job.id, timeoutMs)
  return {
    ...t,
    upstream,
    config,
    keys,
    worker,
    logs: captured ?? { lines: [], records: [] },
    add,
    settled: settledJob,
    run: async (request, origin, jobOptions) => settledJob(await add(request, origin, jobOptions)),
    async jobs(queue, name) {
      const all = await worker.queues[queue].getJobs([
        'completed',
        'failed',
        'active',
        'waiting',
        'prioritized',
        'delayed',
      ])
      return all.filter((job) => job.name === name)
    },
    key: (dataset, params) => cacheKey(keys, dataset, params),
    closeAfter: (...more) => {
      closables.push(...more)
    },
    async stop() {
      await Promise.all(closables.map((closable) => closable.close()))
      await worker.close()
      if (owned) await upstream?.close()
      await t.cleanup()
    },
  }
}

/**
 * A handle that stands for what `beforeAll` starts: use it inside tests and hooks only. Its
 * `upstream` is such a handle too, so a file may name it at its top level.
 */
function lateBound<T extends object>(what: string, current: () => T | undefined): T {
  const get = (): T => {
    const value = current()
    if (value === undefined) throw new Error(`${what} starts in beforeAll; use it inside tests`)
    return value
  }
  const upstream = (): object | undefined =>
    (current() as { upstream?: object } | undefined)?.upstream
  return new Proxy({} as T, {
    get: (_target, property) =>
      property === 'upstream'
        ? lateBound(`${what}'s upstream`, upstream)
        : Reflect.get(get(), property),
  })
}

/**
 * One harness for the whole file: `startHarness` in `beforeAll`, `stop` in `afterAll`, and the
 * upstream's `reset` after each test unless `resetUpstream` is false (tests that count calls
 * across the file).
 */
export function useHarness<U extends Upstream | undefined = undefined>(
  options: HarnessOptions<U> & { resetUpstream?: boolean } = {},
): Harness<U> {
  let started: Harness<U> | undefined
  beforeAll(async () => {
    started = await startHarness(options)
  })
  if (options.resetUpstream !== false) afterEach(() => started?.upstream?.reset())
  afterAll(() => started?.stop())
  return lateBound('useHarness', () => started)
}

/**
 * One upstream for the file and a fresh worker per test (pauses, retries and limits must not
 * leak between tests): `start` inside a test, with overrides; the worker is stopped and the
 * upstream reset after each test, and the upstream closed after all.
 */
export function useHarnessPerTest<U extends Upstream>(
  options: HarnessOptions<U> & { upstream: () => Promise<U> },
): { upstream: U; start(overrides?: Omit<HarnessOptions<U>, 'upstream'>): Promise<Harness<U>> } {
  let upstream: U | undefined
  let current: Harness<U> | undefined
  beforeAll(async () => {
    upstream = await options.upstream()
  })
  afterEach(async () => {
    await current?.stop()
    current = undefined
    await upstream?.reset()
  })
  afterAll(() => upstream?.close())
  return {
    upstream: lateBound('useHarnessPerTest', () => upstream),
    async start(overrides = {}) {
      current = await startHarness({
        ...options,
        ...overrides,
        env: { ...options.env, ...overrides.env },
        upstream: upstream as U,
      })
      return current
    },
  }
}
