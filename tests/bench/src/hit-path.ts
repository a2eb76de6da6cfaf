import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnEntry } from '@marketcache/devkit/child'
import { type ServerProcess, startProcess } from '@marketcache/devkit/processes'
import type { Stack } from '@marketcache/e2e/stack'
import autocannon from 'autocannon'
import { fmt, type LatencySummary, median } from './measure'
import { startApi } from './processes'

/** Five rounds: on this shared VM one round in five or so runs at half speed; the median holds. */
const ROUNDS = 5
const DURATION_S = 4
const CONNECTIONS = 50
const PATH = '/v1/coins/bitcoin'
const PACED_ROUNDS = 3
/** Ports of the measured processes, away from `pnpm start`'s. */
const BASE_PORT = 3710

interface Round {
  perSecond: number
  /** Server CPU milliseconds per thousand requests: what a request costs, whatever the client. */
  cpuMsPer1000: number
}

/**
 * Node's http server sending the body with the headers marketcache sent with it and doing nothing
 * else: what writing a hit's headers costs, whatever the cache behind them.
 */
const NODE_WITH_HEADERS = 'Node http + the same headers'

/** A response's headers as a flat list of names and values, less those Node's server adds. */
function responseHeaders(response: Response): string[] {
  const added = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding'])
  return [...response.headers].filter(([name]) => !added.has(name)).flat()
}

/** One fixed-length run of `connections` keep-alive connections against `server`. */
async function load(server: ServerProcess) {
  const cpuBefore = server.cpuSeconds()
  const result = await autocannon({
    url: `${server.url}${PATH}`,
    connections: CONNECTIONS,
    duration: DURATION_S,
  })
  const cpu = server.cpuSeconds() - cpuBefore
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${server.url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`)
  }
  return { result, cpuMsPer1000: (cpu * 1e6) / result.requests.total }
}

/** `measurePaced` at `rate` in its own process (paced-load.ts), for twice a round's duration. */
async function pacedLoad(origin: string, rate: number) {
  const args = [origin, PATH, String(rate), String(DURATION_S * 2), String(CONNECTIONS)]
  const child = spawnEntry('tests/bench/src/paced-load.ts', {
    args,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  if (code !== 0) throw new Error(`paced load exited with ${code}`)
  return JSON.parse(output) as LatencySummary & { maxMs: number }
}

/**
 * Hit latency at `rate` (half marketcache's peak), paced, for marketcache with L1 on and, as the
 * floor this machine sets, the Fastify constant at the same rate: rounds interleaved, the median
 * round by p99 printed.
 */
async function atHalfPeak(servers: Record<string, ServerProcess>, rate: number) {
  const names = ['marketcache, L1 on', 'Fastify sending a constant']
  const runs: Record<string, (LatencySummary & { maxMs: number })[]> = {}
  for (let round = 0; round < PACED_ROUNDS; round++) {
    for (const name of names) {
      runs[name] = [
        ...(runs[name] ?? []),
        await pacedLoad((servers[name] as ServerProcess).url, rate),
      ]
    }
  }
  console.log(
    `   at half marketcache's peak (${rate} req/s, paced each millisecond from a process of its own, ${PACED_ROUNDS} interleaved rounds, the median by p99):`,
  )
  for (const name of names) {
    const sorted = [...(runs[name] ?? [])].sort((a, b) => a.p99Ms - b.p99Ms)
    const mid = sorted[Math.floor(sorted.length / 2)] as LatencySummary & { maxMs: number }
    console.log(
      `     ${name.padEnd(28)} p50 ${fmt(mid.p50Ms, 3)} ms  p99 ${fmt(mid.p99Ms, 3)} ms  max ${fmt(mid.maxMs, 1)} ms  (${fmt(mid.perSecond, 0)} req/s done)`,
    )
  }
  console.log('')
}

/**
 * 1b. The hit path against its ceiling and its peer, every server in a process of its own and
 * answering with marketcache's own body of `GET /v1/coins/bitcoin`: Fastify sending it as a
 * constant, Fastify doing one Redis GET of it, Fastify + bentocache (memory L1, Redis L2, bus),
 * and marketcache's API with L1 on and off. Rounds are interleaved; medians are printed with
 * the ratios, in requests per second and in server CPU per request (the load generator shares
 * the machine, so the CPU figure is the one that does not depend on it). Then the hit latency at
 * half marketcache's peak rate, under paced (open-loop) load from a process of its own
 * (`measurePaced`, paced-load.ts), beside the Fastify constant's at the same rate. The ratios of
 * Node's server sending a hit's headers (and nothing else) to the first two peers are printed too:
 * they are the most any server sending those headers from Node can reach against them.
 */
export async function hitPath(stack: Stack, redisUrl: string): Promise<void> {
  // A hit (the first read may have been the miss that filled it): its headers are a hit's.
  await (await stack.get(PATH)).text()
  const hit = await stack.get(PATH)
  const body = await hit.text()
  const bodyFile = join(tmpdir(), `marketcache-bench-body-${process.pid}.json`)
  writeFileSync(bodyFile, body)
  const headersFile = join(tmpdir(), `marketcache-bench-headers-${process.pid}.json`)
  writeFileSync(headersFile, JSON.stringify(responseHeaders(hit)))
  const peer = (mode: string, port: number) =>
    startProcess({
      entry: 'tests/bench/src/peer-server.ts',
      args: [mode, String(port), redisUrl, PATH, bodyFile, headersFile],
      port,
      probe: PATH,
    })
  const api = (port: number, env: Record<string, string> = {}) =>
    startApi({ redisUrl, keyPrefix: stack.keyPrefix, queuePrefix: stack.queuePrefix, port, env })
  const servers: Record<string, ServerProcess> = {
    'Fastify sending a constant': await peer('constant', BASE_PORT),
    'Fastify + one Redis GET': await peer('one-get', BASE_PORT + 1),
    'Fastify + bentocache L1+L2': await peer('bentocache', BASE_PORT + 2),
    [NODE_WITH_HEADERS]: await peer('headers', BASE_PORT + 5),
    'marketcache, L1 on': await api(BASE_PORT + 3),
    'marketcache, L1 off': await api(BASE_PORT + 4, { L1_MAX_BYTES: '0' }),
  }
  const rounds: Record<string, Round[]> = {}
  try {
    // One short run each first: JIT warm-up, and the L1 filled.
    for (const server of Object.values(servers)) {
      await autocannon({ url: `${server.url}${PATH}`, connections: CONNECTIONS, amount: 20_000 })
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, server] of Object.entries(servers)) {
        const { result, cpuMsPer1000 } = await load(server)
        rounds[name] = [
          ...(rounds[name] ?? []),
          { perSecond: result.requests.average, cpuMsPer1000 },
        ]
      }
    }
    const rate = (name: string) => median((rounds[name] ?? []).map((r) => r.perSecond))
    const cpu = (name: string) => median((rounds[name] ?? []).map((r) => r.cpuMsPer1000))
    console.log(
      `1b. hit path, ${Buffer.byteLength(body)}-byte body, each server in its own process, ${CONNECTIONS} connections, ${DURATION_S} s x ${ROUNDS} interleaved rounds (median; each ratio is the median of the rounds' ratios)`,
    )
    console.log(
      `   ${'server'.padEnd(28)} ${'req/s'.padStart(7)}  ${'CPU ms/1000 req'.padStart(15)}`,
    )
    for (const name of Object.keys(servers)) {
      console.log(
        `   ${name.padEnd(28)} ${fmt(rate(name), 0).padStart(7)}  ${fmt(cpu(name)).padStart(15)}`,
      )
    }
    // Each round's ratio, then their median: the machine's speed drifts between rounds, and a
    // ratio of two runs taken seconds apart cancels that drift where a ratio of medians does not.
    const perRound = (ours: string, theirs: string, ratio: (a: Round, b: Round) => number) =>
      median((rounds[ours] ?? []).map((a, i) => ratio(a, (rounds[theirs] ?? [])[i] as Round)))
    const ratios = (label: string, ours: string, theirs: string) => {
      const byRate = perRound(ours, theirs, (a, b) => a.perSecond / b.perSecond)
      const byCpu = perRound(ours, theirs, (a, b) => b.cpuMsPer1000 / a.cpuMsPer1000)
      return `   ${label.padEnd(34)} req/s ${fmt(byRate)}   by CPU per request ${fmt(byCpu)}`
    }
    console.log(
      ratios('L1 on / Fastify constant', 'marketcache, L1 on', 'Fastify sending a constant'),
    )
    console.log(
      ratios('L1 on / bentocache L1+L2', 'marketcache, L1 on', 'Fastify + bentocache L1+L2'),
    )
    console.log(
      ratios('L1 off / Fastify one GET', 'marketcache, L1 off', 'Fastify + one Redis GET'),
    )
    console.log(ratios('L1 on / Node + the same headers', 'marketcache, L1 on', NODE_WITH_HEADERS))
    // What no server sending a hit's headers from Node can pass: the ceilings of the first two.
    console.log('   the most a server sending those headers reaches (Node + the same headers):')
    console.log(ratios('  ... / Fastify constant', NODE_WITH_HEADERS, 'Fastify sending a constant'))
    console.log(ratios('  ... / bentocache L1+L2', NODE_WITH_HEADERS, 'Fastify + bentocache L1+L2'))

    await atHalfPeak(servers, Math.round(rate('marketcache, L1 on') / 2))
  } finally {
    await Promise.all(Object.values(servers).map((server) => server.stop()))
  }
}
