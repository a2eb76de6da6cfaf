import type { ServerProcess } from '@marketcache/devkit/processes'
import type { Stack } from '@marketcache/e2e/stack'
import { cacheKey } from '@marketcache/shared/dataset'
import { coin } from '@marketcache/shared/datasets/coin'
import { Keys } from '@marketcache/shared/keys'
import { EnvelopeWriter } from '@marketcache/worker/envelope-writer'
import { Redis } from 'ioredis'
import { Pool } from 'undici'
import { fmt } from './measure'
import { startApi } from './processes'

const API_PROCESSES = 3
const CONNECTIONS_EACH = 4
const WRITES = 50
const WRITE_EVERY_MS = 100
/** Ports of the three API processes, away from 1b's. */
const BASE_PORT = 3720

/** A coin value whose price is its version, written as the worker writes one. */
function version(v: number): Parameters<EnvelopeWriter['write']>[0] {
  const now = Date.now()
  const data = JSON.stringify({
    id: 'bitcoin',
    symbol: 'btc',
    name: 'Bitcoin',
    currency: 'usd',
    price: v,
    market_cap: null,
    total_volume: null,
    price_change_percentage_24h: null,
    market_cap_rank: 1,
    last_updated: new Date(now).toISOString(),
  })
  return {
    key: '',
    envelope: {
      data,
      asOf: now,
      fetchedAt: now,
      freshUntil: now + 300_000,
      staleUntil: now + 900_000,
      errorUntil: now + 3_900_000,
      etag: `coherence-${v}`,
      source: 'coingecko',
      schema: coin.schemaVersion,
    },
  }
}

/**
 * 1d. L1 coherence: three API processes (L1 on) under read load while one key is rewritten every
 * 100 ms by the worker's envelope writer. A read sent after a write's call had returned (so its
 * event was published) that still answers the previous version was served stale; the largest
 * such delay, from the write's return to the stale read's start, is printed.
 */
export async function coherence(stack: Stack, redisUrl: string): Promise<void> {
  const keys = new Keys(stack.keyPrefix)
  const key = cacheKey(keys, coin, { id: 'bitcoin' })
  const redis = new Redis(redisUrl)
  const writer = new EnvelopeWriter(redis, keys)
  const write = (v: number) => writer.write({ ...version(v), key })
  await write(0)
  const apis: ServerProcess[] = []
  for (let i = 0; i < API_PROCESSES; i++) {
    apis.push(
      await startApi({
        redisUrl,
        keyPrefix: stack.keyPrefix,
        queuePrefix: stack.queuePrefix,
        port: BASE_PORT + i,
      }),
    )
  }
  /** When each version's write returned. */
  const writtenAt: number[] = [0]
  let stale = 0
  let worstMs = 0
  let reads = 0
  let done = false
  async function reader(pool: Pool) {
    while (!done) {
      const sentAt = performance.now()
      const { body } = await pool.request({ method: 'GET', path: '/v1/coins/bitcoin' })
      const seen = (JSON.parse(await body.text()) as { price: number }).price
      reads++
      const next = writtenAt[seen + 1]
      if (next !== undefined && next < sentAt) {
        stale++
        worstMs = Math.max(worstMs, sentAt - next)
      }
    }
  }
  const pools = apis.map((api) => new Pool(api.url, { connections: CONNECTIONS_EACH }))
  try {
    const readers = pools.flatMap((pool) =>
      Array.from({ length: CONNECTIONS_EACH }, () => reader(pool)),
    )
    for (let v = 1; v <= WRITES; v++) {
      await new Promise((resolve) => setTimeout(resolve, WRITE_EVERY_MS))
      await write(v)
      writtenAt[v] = performance.now()
    }
    done = true
    await Promise.all(readers)
  } finally {
    await Promise.all(pools.map((pool) => pool.close()))
    await Promise.all(apis.map((api) => api.stop()))
    redis.disconnect()
  }
  console.log(
    `1d. L1 coherence: ${API_PROCESSES} API processes, ${reads} reads, the key rewritten every ${WRITE_EVERY_MS} ms (${WRITES} writes)`,
  )
  console.log(
    `   reads that got the previous version after a write had returned: ${stale}   largest delay ${fmt(worstMs)} ms\n`,
  )
}
