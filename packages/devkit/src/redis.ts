import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { createServer } from 'node:net'
import { redactUrl } from '@marketcache/shared/log-safety'
import { perKey, type RedisClient, scanKeys } from '@marketcache/shared/redis-client'
import { Redis } from 'ioredis'

export interface RunningRedis {
  url: string
  /** True when this process started the server (and `stop` will end it). */
  started: boolean
  stop(): Promise<void>
}

/** True when a Redis at `url` answers PING within `timeoutMs`. */
export async function pingRedis(url: string, timeoutMs = 500): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  })
  client.on('error', () => {})
  try {
    await client.connect()
    return (await client.ping()) === 'PONG'
  } catch {
    return false
  } finally {
    client.disconnect()
  }
}

export function redisServerOnPath(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0
}

/** A port the OS says is free right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      )
    })
  })
}

/**
 * Starts a private, diskless `redis-server` on `port` (a free one by default) and waits until it
 * answers. Used by `pnpm start` when no Redis is configured, and by tests that stop Redis on purpose.
 */
export async function startPrivateRedis(
  options: {
    port?: number
    args?: string[]
    /** Started with `--requirepass`; the returned `url` carries it. */
    password?: string
  } = {},
): Promise<RunningRedis> {
  const port = options.port ?? (await freePort())
  const child: ChildProcess = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      // Redis' default, said out loud: BullMQ (and both apps) refuse an evicting server.
      '--maxmemory-policy',
      'noeviction',
      ...(options.password ? ['--requirepass', options.password] : []),
      ...(options.args ?? []),
    ],
    { stdio: 'ignore' },
  )
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : ''
  const url = `redis://${auth}127.0.0.1:${port}`
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await pingRedis(url, 200)) {
      return {
        url,
        started: true,
        async stop() {
          if (child.exitCode === null) child.kill('SIGTERM')
          await exited
        },
      }
    }
    if (child.exitCode !== null) break
    await new Promise((r) => setTimeout(r, 50))
  }
  child.kill('SIGKILL')
  throw new Error(`redis-server did not start on port ${port}`)
}

/** Redis at `url` if it answers, else a private one; throws with a how-to if neither is possible. */
export async function ensureRedis(url: string): Promise<RunningRedis> {
  if (await pingRedis(url)) return { url, started: false, stop: async () => {} }
  if (!redisServerOnPath()) {
    throw new Error(
      `No Redis answers at ${redactUrl(url)} and redis-server is not on PATH. Install Redis 7 ` +
        '(Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or point ' +
        'CACHE_REDIS_URL at a running server.',
    )
  }
  return startPrivateRedis()
}

/** A unique prefix for one test file's keys or queues. */
export function testPrefix(kind: 'mc' | 'q' = 'mc'): string {
  return `test-${kind}-${Math.random().toString(36).slice(2, 10)}`
}

/**
 * Deletes every key under `prefix` with SCAN + UNLINK, on every master of a cluster. Tests clean
 * only their own prefix and never FLUSH anything: other suites share the server.
 */
export async function deletePrefix(redis: RedisClient, prefix: string): Promise<number> {
  let deleted = 0
  for await (const { node, keys } of scanKeys(redis, `${prefix}:*`, 1000)) {
    // One UNLINK per key: the keys of one batch may hash to different slots of that node.
    const replies = await perKey(node, keys, (client, key) => client.unlink(key))
    deleted += replies.reduce((sum, [, result]) => sum + Number(result ?? 0), 0)
  }
  return deleted
}
