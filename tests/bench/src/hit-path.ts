import type { Stack } from '@marketcache/e2e/stack'
import Fastify, { type FastifyInstance } from 'fastify'
import { Redis } from 'ioredis'
import { fmt, measureGets } from './measure'

const ROUNDS = 3
const REQUESTS = 20_000
const CONNECTIONS = 50

/**
 * 1b. The hit path against its ceiling, every server answering with marketcache's own body of
 * `GET /v1/coins/bitcoin`: a Fastify route sending it as a constant, a Fastify route doing one
 * Redis GET of it, and marketcache with L1 on and off. Rounds are interleaved; the median of
 * each is printed with the ratios.
 */
export async function hitPath(options: {
  redisUrl: string
  l1On: Stack
  l1Off: Stack
}): Promise<void> {
  const path = '/v1/coins/bitcoin'
  const body = await (await options.l1On.get(path)).text()
  await options.l1Off.get(path)
  const redis = new Redis(options.redisUrl)
  const key = 'bench:hit-path:body'
  await redis.set(key, body)
  const ceiling = await serve((app) =>
    app.get(path, (_request, reply) => reply.type('application/json').send(body)),
  )
  const oneGet = await serve((app) =>
    app.get(path, async (_request, reply) =>
      reply.type('application/json').send(await redis.get(key)),
    ),
  )
  const servers = {
    'Fastify sending a constant': ceiling.url,
    'Fastify + one Redis GET': oneGet.url,
    'marketcache, L1 on': options.l1On.api,
    'marketcache, L1 off': options.l1Off.api,
  }
  const rates: Record<string, number[]> = {}
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, origin] of Object.entries(servers)) {
        const run = await measureGets(origin, () => path, {
          total: REQUESTS,
          connections: CONNECTIONS,
        })
        rates[name] = [...(rates[name] ?? []), run.perSecond]
      }
    }
  } finally {
    await Promise.all([ceiling.app.close(), oneGet.app.close()])
    await redis.del(key)
    await redis.quit()
  }
  const median = (name: string) => [...(rates[name] ?? [])].sort((a, b) => a - b)[1] ?? Number.NaN
  console.log(
    `1b. hit path, ${Buffer.byteLength(body)}-byte body, ${CONNECTIONS} connections, median of ${ROUNDS} interleaved rounds`,
  )
  for (const name of Object.keys(servers)) {
    console.log(`   ${name.padEnd(28)} ${fmt(median(name), 0).padStart(6)} req/s`)
  }
  const on = median('marketcache, L1 on')
  const off = median('marketcache, L1 off')
  console.log(
    `   L1 on / ceiling ${fmt(on / median('Fastify sending a constant'))}   L1 off / one GET ${fmt(off / median('Fastify + one Redis GET'))}   L1 on / L1 off ${fmt(on / off)}\n`,
  )
}

async function serve(
  route: (app: FastifyInstance) => unknown,
): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify({ logger: false })
  route(app)
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  return { app, url }
}
