/**
 * The servers marketcache's hit path is measured against, each in a process of its own (as the
 * API runs in one), serving the body the bench hands it at `GET <path>`:
 *   constant    Fastify sending it from a variable (the ceiling)
 *   one-get     Fastify doing one Redis GET and sending the reply as-is
 *   bentocache  Fastify + bentocache: memory L1, Redis L2, Redis bus (what a TypeScript user
 *               would pick instead of marketcache)
 *   headers     Node's http server sending it from a variable with the headers marketcache sent
 *               with it (read from the headers file: a JSON list of names and values), and no
 *               other work: what a hit carrying those headers costs at the least
 * Usage: peer-server <mode> <port> <redis url> <path> <body file> [headers file]. Prints
 * `listening <url>`.
 */
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { BentoCache, bentostore } from 'bentocache'
import { memoryDriver } from 'bentocache/drivers/memory'
import { redisBusDriver, redisDriver } from 'bentocache/drivers/redis'
import Fastify from 'fastify'
import { Redis } from 'ioredis'

const [mode, port, redisUrl, path, bodyFile, headersFile] = process.argv.slice(2)
if (!mode || !port || !redisUrl || !path || !bodyFile) throw new Error('usage: see the header')
const body = readFileSync(bodyFile, 'utf8')
if (mode === 'headers') await listenWithHeaders(path, headersFile)
else await listenFastify(mode, path, redisUrl)

/** The `headers` mode: Node's server, the body and the headers file's list, nothing else. */
async function listenWithHeaders(path: string, headersFile: string | undefined): Promise<void> {
  if (!headersFile) throw new Error('usage: see the header')
  const headers = JSON.parse(readFileSync(headersFile, 'utf8')) as string[]
  const server = createServer((request, response) => {
    if (request.url !== path) response.writeHead(404).end()
    else response.writeHead(200, headers).end(body)
  })
  await new Promise<void>((resolve) => server.listen(Number(port), '127.0.0.1', resolve))
  console.log(`listening http://127.0.0.1:${port}`)
  process.once('SIGTERM', () => server.close(() => process.exit(0)))
}

/** The Fastify modes. */
async function listenFastify(mode: string, path: string, redisUrl: string): Promise<void> {
  const app = Fastify({ logger: false })
  const close: (() => Promise<unknown>)[] = []
  if (mode === 'constant') {
    app.get(path, (_request, reply) => reply.type('application/json').send(body))
  } else if (mode === 'one-get') {
    const redis = new Redis(redisUrl)
    const key = `bench:peer:${process.pid}`
    await redis.set(key, body)
    close.push(
      () => redis.del(key),
      () => redis.quit(),
    )
    app.get(path, async (_request, reply) =>
      reply.type('application/json').send(await redis.get(key)),
    )
  } else if (mode === 'bentocache') {
    const url = new URL(redisUrl)
    const connection = { host: url.hostname, port: Number(url.port || 6379) }
    const bento = new BentoCache({
      default: 'cache',
      prefix: `bench-peer-${process.pid}`,
      stores: {
        cache: bentostore()
          .useL1Layer(memoryDriver({ maxSize: '64mb' }))
          .useL2Layer(redisDriver({ connection }))
          .useBus(redisBusDriver({ connection })),
      },
    })
    close.push(
      () => bento.clear(),
      () => bento.disconnectAll(),
    )
    app.get(path, async (_request, reply) => {
      const value = await bento.getOrSet({ key: path, ttl: '5m', factory: () => body })
      return reply.type('application/json').send(value)
    })
  } else {
    throw new Error(`unknown mode ${mode}`)
  }

  const listening = await app.listen({ port: Number(port), host: '127.0.0.1' })
  console.log(`listening ${listening}`)
  process.once('SIGTERM', async () => {
    await app.close()
    for (const step of close) await step()
    process.exit(0)
  })
}
