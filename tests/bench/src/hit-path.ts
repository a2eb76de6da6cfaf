import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type ServerProcess, startProcess } from '@marketcache/devkit/processes'
import type { Stack } from '@marketcache/e2e/stack'
import autocannon from 'autocannon'
import { fmt, median } from './measure'
import { startApi } from './processes'

/** Five rounds: on this shared VM one round in five or so runs at half speed; the median holds. */
const ROUNDS = 5
const DURATION_S = 4
const CONNECTIONS = 50
const PATH = '/v1/coins/bitcoin'
/** Ports of the measured processes, away from `pnpm start`'s. */
const BASE_PORT = 3710

interface Round {
  perSecond: number
  /** Server CPU milliseconds per thousand requests: what a request costs, whatever the client. */
  cpuMsPer1000: number
}

/** One fixed-length run of `connections` keep-alive connections against `server`. */
async function load(server: ServerProcess, rate?: number) {
  const cpuBefore = server.cpuSeconds()
  const result = await autocannon({
    url: `${server.url}${PATH}`,
    connections: CONNECTIONS,
    duration: DURATION_S,
    ...(rate === undefined ? {} : { overallRate: rate }),
  })
  const cpu = server.cpuSeconds() - cpuBefore
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${server.url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`)
  }
  return { result, cpuMsPer1000: (cpu * 1e6) / result.requests.total }
}

/**
 * 1b. The hit path against its ceiling and its peer, every server in a process of its own and
 * answering with marketcache's own body of `GET /v1/coins/bitcoin`: Fastify sending it as a
 * constant, Fastify doing one Redis GET of it, Fastify + bentocache (memory L1, Redis L2, bus),
 * and marketcache's API with L1 on and off. Rounds are interleaved; medians are printed with
 * the ratios, in requests per second and in server CPU per request (the load generator shares
 * the machine, so the CPU figure is the one that does not depend on it). Then the hit latency at
 * half marketcache's peak rate.
 */
export async function hitPath(stack: Stack, redisUrl: string): Promise<void> {
  const body = await (await stack.get(PATH)).text()
  const bodyFile = join(tmpdir(), `marketcache-bench-body-${process.pid}.json`)
  writeFileSync(bodyFile, body)
  const peer = (mode: string, port: number) =>
    startProcess({
      entry: 'tests/bench/src/peer-server.ts',
      args: [mode, String(port), redisUrl, PATH, bodyFile],
      port,
      probe: PATH,
    })
  const api = (port: number, env: Record<string, string> = {}) =>
    startApi({ redisUrl, keyPrefix: stack.keyPrefix, queuePrefix: stack.queuePrefix, port, env })
  const servers: Record<string, ServerProcess> = {
    'Fastify sending a constant': await peer('constant', BASE_PORT),
    'Fastify + one Redis GET': await peer('one-get', BASE_PORT + 1),
    'Fastify + bentocache L1+L2': await peer('bentocache', BASE_PORT + 2),
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
      `1b. hit path, ${Buffer.byteLength(body)}-byte body, each server in its own process, ${CONNECTIONS} connections, ${DURATION_S} s x ${ROUNDS} interleaved rounds (median)`,
    )
    console.log(
      `   ${'server'.padEnd(28)} ${'req/s'.padStart(7)}  ${'CPU ms/1000 req'.padStart(15)}`,
    )
    for (const name of Object.keys(servers)) {
      console.log(
        `   ${name.padEnd(28)} ${fmt(rate(name), 0).padStart(7)}  ${fmt(cpu(name)).padStart(15)}`,
      )
    }
    const ratios = (label: string, ours: string, theirs: string) =>
      `   ${label.padEnd(34)} req/s ${fmt(rate(ours) / rate(theirs))}   by CPU per request ${fmt(cpu(theirs) / cpu(ours))}`
    console.log(
      ratios('L1 on / Fastify constant', 'marketcache, L1 on', 'Fastify sending a constant'),
    )
    console.log(
      ratios('L1 on / bentocache L1+L2', 'marketcache, L1 on', 'Fastify + bentocache L1+L2'),
    )
    console.log(
      ratios('L1 off / Fastify one GET', 'marketcache, L1 off', 'Fastify + one Redis GET'),
    )

    const half = Math.round(rate('marketcache, L1 on') / 2)
    const { result } = await load(servers['marketcache, L1 on'] as ServerProcess, half)
    console.log(
      `   L1 on at half its peak (${half} req/s): p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms  max ${result.latency.max} ms\n`,
    )
  } finally {
    await Promise.all(Object.values(servers).map((server) => server.stop()))
  }
}
