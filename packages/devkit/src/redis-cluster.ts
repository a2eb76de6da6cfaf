import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { pingRedis, type RunningRedis, startPrivateRedis } from './redis'

export interface RunningCluster {
  /** The seed nodes as CACHE_REDIS_URL takes them: `redis://127.0.0.1:P1,redis://…`. */
  url: string
  urls: string[]
  /** The nodes' cluster state files; gone after `stop`. */
  dir: string
  /** Stops every node and removes their files. */
  stop(): Promise<void>
}

/** What Redis Cluster adds to a node's port for its bus, which must be free too. */
const BUS_OFFSET = 10_000

/** True when nothing listens on `port` of the loopback. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.unref()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

/** The first port from `from` on whose bus port is free as well. */
async function nodePort(from: number): Promise<number> {
  for (let port = from; port < from + 1000; port++) {
    if ((await portFree(port)) && (await portFree(port + BUS_OFFSET))) return port
  }
  throw new Error(`no free port pair for a cluster node from ${from}`)
}

/** Runs `redis-cli` and resolves with its output; rejects with it when the command fails. */
function redisCli(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('redis-cli', args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.once('error', reject)
    child.once('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`redis-cli ${args[0]} failed: ${output}`)),
    )
  })
}

/** Waits until every node says `cluster_state:ok`, i.e. all 16384 slots are served. */
async function waitClusterOk(urls: readonly string[], timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (const url of urls) {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 })
    try {
      await client.connect()
      while (!/cluster_state:ok/.test(await client.cluster('INFO'))) {
        if (Date.now() > deadline) throw new Error(`the cluster at ${url} did not become ok`)
        await new Promise((r) => setTimeout(r, 100))
      }
    } finally {
      client.disconnect()
    }
  }
}

/**
 * Starts a Redis Cluster of three masters (no replicas) on the loopback, for tests and for
 * `pnpm start` with REDIS_CLUSTER=true. Each node is a private, diskless `redis-server` whose
 * cluster state lives in a temporary directory, removed by `stop`. Ports are the first free ones
 * from `basePort` whose bus port (+10000) is free too.
 */
export async function startRedisCluster(
  options: { basePort?: number; masters?: number } = {},
): Promise<RunningCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'mc-cluster-'))
  const nodes: RunningRedis[] = []
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()))
    await rm(dir, { recursive: true, force: true })
  }
  try {
    let next = options.basePort ?? 7100
    for (let n = 0; n < (options.masters ?? 3); n++) {
      const port = await nodePort(next)
      next = port + 1
      nodes.push(
        await startPrivateRedis({
          port,
          args: [
            ...['--cluster-enabled', 'yes', '--cluster-port', String(port + BUS_OFFSET)],
            ...['--cluster-config-file', join(dir, `nodes-${port}.conf`), '--dir', dir],
          ],
        }),
      )
    }
    const urls = nodes.map((node) => node.url)
    const addresses = urls.map((url) => url.replace('redis://', ''))
    await redisCli([
      '--cluster',
      'create',
      ...addresses,
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ])
    await waitClusterOk(urls)
    return { url: urls.join(','), urls, dir, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

/**
 * The cluster at `url` (seed nodes, comma-separated) if its first seed answers, else a private
 * one from `startRedisCluster`: what `pnpm start` runs on with REDIS_CLUSTER=true.
 */
export async function ensureRedisCluster(url: string, basePort?: number): Promise<RunningRedis> {
  const [seed = url] = url.split(',')
  if (await pingRedis(seed.trim())) return { url, started: false, stop: async () => {} }
  const cluster = await startRedisCluster(basePort === undefined ? {} : { basePort })
  return { url: cluster.url, started: true, stop: cluster.stop }
}
