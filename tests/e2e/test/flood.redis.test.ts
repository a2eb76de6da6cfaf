import { Priority } from '@marketcache/shared/jobs'
import { Queue } from 'bullmq'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually, type Stack, startStack } from './support/stack'

const IDS = 3000
const CONNECTIONS = 16
/** Generous per-client limits: the flood comes from one address, and admission is the subject. */
const NO_CLIENT_LIMITS = { RATE_LIMIT_MAX: '1000000', RATE_LIMIT_COSTLY_MAX: '1000000' }
const CATALOG_AT_START = JSON.stringify([
  {
    name: 'coin-catalog',
    cron: '7 * * * *',
    atStart: true,
    request: { queue: 'coingecko', name: 'coingecko.catalog', data: {} },
  },
])

/** `count` distinct made-up ids read with `?wait=0` over a few connections; the status codes. */
async function flood(stack: Stack, count: number): Promise<Map<string, number>> {
  const codes = new Map<string, number>()
  let next = 0
  const worker = async () => {
    while (next < count) {
      const response = await stack.get(`/v1/coins/made-up-${next++}?wait=0`)
      const body = (await response.json()) as { code?: string }
      const code = `${response.status} ${body.code ?? ''}`.trim()
      codes.set(code, (codes.get(code) ?? 0) + 1)
    }
  }
  await Promise.all(Array.from({ length: CONNECTIONS }, worker))
  return codes
}

describe('a flood of made-up coin ids with the catalog cached', () => {
  let stack: Stack
  beforeAll(async () => {
    stack = await startStack({
      workerEnv: { WARM_SCHEDULES: CATALOG_AT_START },
      apiEnv: NO_CLIENT_LIMITS,
    })
    await eventually(async () =>
      (await stack.get('/v1/catalogs/coingecko-coins')).status === 200 ? true : undefined,
    )
  })
  afterAll(() => stack.close())

  it('costs no provider call, queues nothing, and a real cold coin is then served', async () => {
    const codes = await flood(stack, IDS)
    expect(Object.fromEntries(codes)).toEqual({ '404 NOT_FOUND': IDS })
    const stats = await stack.simStats()
    expect(stats.byEndpoint['/coins/{id}'] ?? 0).toBe(0)
    // The catalog's own two calls: the id list and its ranking (the top page).
    expect(stats.byEndpoint['/coins/list']).toBe(1)
    expect(stats.byEndpoint['/coins/markets']).toBe(1)

    // The top coins came with the ranking; a coin below them is still cold.
    const { ids, top = [] } = (await (await stack.get('/v1/catalogs/coingecko-coins')).json()) as {
      ids: string[]
      top?: string[]
    }
    const below = ids.find((id) => !top.includes(id))
    const cold = await stack.get(`/v1/coins/${below}`)
    expect(cold.status).toBe(200)
    expect(cold.headers.get('x-cache-status')).toBe('MISS')
  })
})

describe('a flood of made-up coin ids before any catalog is cached', () => {
  let stack: Stack
  let coingecko: Queue
  beforeAll(async () => {
    // Two jobs a second with a backlog of 60: the backlog cannot drain during the flood.
    const pace = { COINGECKO_RATE_MAX: '2', COINGECKO_RATE_DURATION_MS: '1000' }
    const backlog = { COINGECKO_MISS_BACKLOG_MAX: '60' }
    stack = await startStack({
      workerEnv: pace,
      apiEnv: { ...pace, ...backlog, ...NO_CLIENT_LIMITS },
    })
    coingecko = new Queue('coingecko', { connection: stack.redis, prefix: stack.queuePrefix })
  })
  afterAll(async () => {
    await coingecko.close()
    await stack.close()
  })

  it('queues at most the miss backlog (60) and answers the rest 503 OVERLOADED', async () => {
    const codes = await flood(stack, IDS)
    const waiting = await coingecko.getCountsPerPriority([Priority.miss])
    expect(waiting[String(Priority.miss)]).toBeLessThanOrEqual(60)
    expect(codes.get('503 OVERLOADED')).toBeGreaterThan(IDS - 100)
    expect((codes.get('503 FILL_PENDING') ?? 0) + (codes.get('404 NOT_FOUND') ?? 0)).toBeLessThan(
      100,
    )
  })

  it('still runs update-cache for a real coin while the miss backlog is full', async () => {
    const response = await stack.post('/v1/update-cache', { coin_id: 'bitcoin' })
    expect(response.status).toBe(202)
    // Strictly behind 60 misses at two a second it would wait half a minute; its lane lets it
    // past them after 2 s, at the next free call.
    const served = await eventually(async () => {
      const read = await stack.get('/v1/coins/bitcoin?wait=0')
      return read.status === 200 ? read : undefined
    }, 8000)
    expect(((await served.json()) as { id: string }).id).toBe('bitcoin')
    const waiting = await coingecko.getCountsPerPriority([Priority.miss])
    expect(waiting[String(Priority.miss)]).toBeGreaterThan(40)
  })
})
