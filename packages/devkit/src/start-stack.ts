/**
 * `pnpm start`: the whole stack on one machine. Finds Redis (or starts a private one; a private
 * 3-master cluster with REDIS_CLUSTER=true), then the simulator, the worker and the API as child
 * processes; Ctrl-C stops all of it.
 */
import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { banner, redisLine } from './banner'
import { spawnEntry, stopChild } from './child'
import { stackConfig } from './config'
import { ensureRedis, type RunningRedis } from './redis'
import { ensureRedisCluster } from './redis-cluster'
import { simulatedProviderUrls } from './simulated-providers'

const children: { name: string; child: ChildProcess }[] = []
let redis: RunningRedis | undefined
let stopping = false

function run(name: string, entry: string, env: Record<string, string>): ChildProcess {
  const child = spawnEntry(entry, {
    env,
    stdio: 'inherit',
    // Own process group: a terminal Ctrl-C reaches only this launcher, which then stops each
    // child once. Otherwise a child would see SIGINT and then our SIGTERM, and take the second
    // signal as "exit now" instead of closing gracefully.
    detached: true,
  })
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`\n${name} exited (${signal ?? code}); stopping the stack`)
      void stop(1)
    }
  })
  children.push({ name, child })
  return child
}

async function waitFor(name: string, url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) })
      if (response.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`${name} did not answer at ${url} within ${timeoutMs / 1000} s`)
}

async function stop(code: number): Promise<never> {
  stopping = true
  await Promise.all(children.map(({ child }) => stopChild(child)))
  await redis?.stop()
  process.exit(code)
}

/** Each provider's base URL: the configured one, or the simulator at its wire format's path. */
function upstreamUrls(sim: string) {
  const simulated = simulatedProviderUrls(sim)
  return Object.fromEntries(
    Object.entries(simulated).map(([name, simUrl]) => [
      name,
      stackConfig.providerUrls[name as keyof typeof simulated] ?? simUrl,
    ]),
  ) as Record<keyof typeof simulated, string>
}

async function main(): Promise<void> {
  process.on('SIGINT', () => void stop(0))
  process.on('SIGTERM', () => void stop(0))

  redis = stackConfig.redisCluster
    ? await ensureRedisCluster(stackConfig.clusterUrl)
    : await ensureRedis(stackConfig.redisUrl)
  console.log(redisLine({ ...redis, cluster: stackConfig.redisCluster }))

  // Each provider not configured is served by the simulator, at the path its wire format uses.
  const sim = `http://127.0.0.1:${stackConfig.simulatorPort}`
  const upstreams = upstreamUrls(sim)
  const usesSimulator = Object.values(stackConfig.providerUrls).some((url) => url === undefined)
  if (usesSimulator) {
    run('simulator', 'apps/simulator/src/server.ts', {
      SIM_PORT: String(stackConfig.simulatorPort),
    })
    await waitFor('simulator', `${sim}/api/v3/ping`)
  }

  const devKey = `dev-${randomBytes(16).toString('hex')}`
  const apiKeys = stackConfig.apiKeys ?? `${devKey}:write|admin`
  const shared = {
    CACHE_REDIS_URL: redis.url,
    QUEUE_REDIS_URL: stackConfig.queueRedisUrl ?? redis.url,
  }
  run('worker', 'apps/worker/src/main.ts', { ...shared, ...upstreams })
  run('api', 'apps/api/src/server.ts', {
    ...shared,
    API_KEYS: apiKeys,
    API_PORT: String(stackConfig.apiPort),
  })

  const api = `http://127.0.0.1:${stackConfig.apiPort}`
  await waitFor('api', `${api}/health`)
  console.log(banner({ api, sim, upstreams, devKey, apiKeysFromEnv: Boolean(stackConfig.apiKeys) }))
}

main().catch(async (error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  await stop(1)
})
