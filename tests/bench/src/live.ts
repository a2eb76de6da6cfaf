import { get, type IncomingMessage } from 'node:http'
import { stackConfig } from '@marketcache/devkit/config'
import { ensureRedis } from '@marketcache/devkit/redis'
import { type Stack, startStack, WRITE_KEY } from '@marketcache/e2e/stack'
import { cacheKey } from '@marketcache/shared/dataset'
import { signal } from '@marketcache/shared/datasets/signal'
import { Keys } from '@marketcache/shared/keys'
import { buildEnvelope } from '@marketcache/worker/envelope-builder'
import { EnvelopeWriter } from '@marketcache/worker/envelope-writer'
import { Redis } from 'ioredis'
import { Pool } from 'undici'
import { fmt, NO_CLIENT_LIMITS } from './measure'
import { startApi } from './processes'

const SUBSCRIBERS = 1000
const WRITES = 50
const WRITE_EVERY_MS = 100
/** Away from the ports of 1b and 1d. */
const PORT = 3740
const SYMBOL = 'BENCH'

function signalValue(id: string, n: number) {
  const now = Date.now()
  return {
    signal_id: id,
    symbol: SYMBOL,
    action: 'BUY' as const,
    confidence: 0.5,
    target_price: 100 + n,
    reasoning: `version ${n}`,
    created_at: new Date(now - 1000).toISOString(),
    as_of: new Date(now).toISOString(),
    expires_at: new Date(now + 3_600_000).toISOString(),
  }
}

/** One subscriber: a plain socket reading the stream, noting when each event id arrives. */
async function subscribe(url: string, seen: (id: string, at: number) => void) {
  const request = get(url, { agent: false })
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    request.on('response', resolve).on('error', reject)
  })
  if (response.statusCode !== 200) throw new Error(`stream answered ${response.statusCode}`)
  response.setEncoding('utf8')
  response.on('data', (chunk: string) => {
    const at = performance.now()
    for (const match of chunk.matchAll(/^id: (\S+)$/gm)) seen(match[1] as string, at)
  })
  return () => request.destroy()
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN

/**
 * 6a. Write-to-event latency: SUBSCRIBERS streams of one symbol's signals on one API process (its
 * own), while the worker's envelope writer rewrites a signal every WRITE_EVERY_MS: from just
 * before the write to each subscriber's reading its event, over every write and subscriber.
 */
async function fanOut(stack: Stack, redisUrl: string): Promise<void> {
  const api = await startApi({
    redisUrl,
    keyPrefix: stack.keyPrefix,
    queuePrefix: stack.queuePrefix,
    port: PORT,
  })
  const redis = new Redis(redisUrl)
  const keys = new Keys(stack.keyPrefix)
  const writer = new EnvelopeWriter(redis, keys)
  const key = cacheKey(keys, signal, { id: 'bench-live' })
  const index = keys.index(signal.name, signal.schemaVersion, 'symbol', SYMBOL)
  const writtenAt = new Map<string, number>()
  const latencies: number[] = []
  const closes: (() => void)[] = []
  try {
    const url = `${api.url}/v1/stream?dataset=signal&symbol=${SYMBOL}`
    const seen = (id: string, at: number) => {
      const t0 = writtenAt.get(id)
      if (t0 !== undefined) latencies.push(at - t0)
    }
    for (let i = 0; i < SUBSCRIBERS; i += 50) {
      closes.push(...(await Promise.all(Array.from({ length: 50 }, () => subscribe(url, seen)))))
    }
    const policy = { freshMs: 3_600_000, staleMs: 0, errorMs: 0, negativeMs: 0 }
    for (let n = 1; n <= WRITES; n++) {
      const now = Date.now()
      const value = signalValue('bench-live', n)
      const envelope = buildEnvelope({
        dataset: signal,
        value,
        asOf: now,
        source: 'pushed',
        policy,
        now,
      })
      writtenAt.set(
        `${envelope.fetchedAt}-${envelope.etag.replace(/[^A-Za-z0-9]/g, '')}`,
        performance.now(),
      )
      await writer.write({ key, envelope, index })
      await new Promise((resolve) => setTimeout(resolve, WRITE_EVERY_MS))
    }
    await new Promise((resolve) => setTimeout(resolve, 500))
    const sorted = latencies.sort((a, b) => a - b)
    console.log(`6. live updates (GET /v1/stream)`)
    console.log(
      `   write to event, ${SUBSCRIBERS} subscribers on one API process, ${WRITES} writes: ` +
        `p50 ${fmt(percentile(sorted, 50))} ms   p99 ${fmt(percentile(sorted, 99))} ms   ` +
        `(${sorted.length} of ${SUBSCRIBERS * WRITES} events received)`,
    )
  } finally {
    for (const close of closes) close()
    await api.stop()
    redis.disconnect()
  }
}

/**
 * 6b. Pushes end to end: producers POST /v1/push/signal (no wait), and each 202 is followed by
 * reads of its last signal until it is readable; signals per second from the first POST to the
 * last readable one, and the 202-to-readable latency per request.
 */
async function pushes(stack: Stack, batch: number, requests: number, producers: number) {
  const pool = new Pool(stack.api, { connections: producers * 2 })
  const latencies: number[] = []
  let next = 0
  const started = performance.now()
  async function producer() {
    while (next < requests) {
      const r = next++
      const items = Array.from({ length: batch }, (_, i) => signalValue(`p${batch}-${r}-${i}`, i))
      const body = JSON.stringify(batch === 1 ? items[0] : { items })
      const answer = await pool.request({
        path: '/v1/push/signal',
        method: 'POST',
        headers: { authorization: `Bearer ${WRITE_KEY}`, 'content-type': 'application/json' },
        body,
      })
      await answer.body.dump()
      if (answer.statusCode !== 202) throw new Error(`push answered ${answer.statusCode}`)
      const accepted = performance.now()
      for (;;) {
        const read = await pool.request({
          path: `/v1/signals/p${batch}-${r}-${batch - 1}`,
          method: 'GET',
        })
        await read.body.dump()
        if (read.statusCode === 200) break
        await new Promise((resolve) => setTimeout(resolve, 1))
      }
      latencies.push(performance.now() - accepted)
    }
  }
  await Promise.all(Array.from({ length: producers }, producer))
  const seconds = (performance.now() - started) / 1000
  await pool.close()
  const sorted = latencies.sort((a, b) => a - b)
  console.log(
    `   pushes, batches of ${batch}: ${fmt((batch * requests) / seconds, 0)} signals/s end to end ` +
      `(${requests} requests, ${producers} producers; 202 to readable p50 ${fmt(percentile(sorted, 50))} ms, ` +
      `p99 ${fmt(percentile(sorted, 99))} ms)`,
  )
}

/** 6. Live updates and pushes, on `stack` (its worker writes the pushes). */
export async function live(stack: Stack, redisUrl: string): Promise<void> {
  await fanOut(stack, redisUrl)
  await pushes(stack, 1, 2000, 8)
  await pushes(stack, 500, 20, 4)
  console.log()
}

/** `pnpm bench live`: section 6 alone, on a stack of its own. */
export async function liveAlone(): Promise<void> {
  const redis = await ensureRedis(stackConfig.redisUrl)
  const stack = await startStack({ redisUrl: redis.url, apiEnv: { ...NO_CLIENT_LIMITS } })
  try {
    await live(stack, redis.url)
  } finally {
    await stack.close()
    await redis.stop()
  }
}
