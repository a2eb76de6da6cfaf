/**
 * `pnpm bench`: what marketcache buys over calling the provider directly, in one run against the
 * simulator (provider latency as configured below). Prints figures and ratios; asserts nothing.
 *
 *   1. read path: latency of cached reads vs. the provider's own latency; (1b) hit throughput and
 *      CPU per request against a Fastify constant, a Fastify one-GET endpoint and a Fastify +
 *      bentocache service, L1 on and off, each in its own process, and the hit latency at half
 *      the peak; (1c) what a cold miss costs beyond the provider's latency; (1d) how long an API
 *      process of three serves the previous version after a write is published;
 *   2. stampede: provider calls made for a burst of concurrent cold reads;
 *   3. storage: Redis bytes per entry against its JSON, and the hit path of a large entry with
 *      and without Accept-Encoding;
 *   4. savings: provider calls for a skewed read workload over the top coins, with CoinGecko's
 *      catalog (ids and ranking) cached: as deployed, and with every coin entry deleted;
 *   5. admission: jobs queued and provider calls for made-up and 5000 real cold ids (the
 *      simulator lists 5300 coins here), with CoinGecko's id list cached, and a stampede over
 *      three API processes;
 *   6. live updates: write-to-event latency with 1000 SSE subscribers on one API process (its own),
 *      and pushes per second end to end (202 to readable) in batches of 1 and 500.
 *      `pnpm bench live` runs this section alone;
 *   7. Redis Cluster: hit throughput of 1 and 2 API processes, and a 1000-read stampede over them,
 *      on devkit's 3-master loopback cluster (`pnpm bench cluster` runs it alone).
 *
 * `pnpm bench hit` runs 1b and 1c alone.
 *
 * Everything but the servers of 1b and 1d runs in this one process on loopback, so absolute
 * latencies include the load generator's own cost; the ratios are what to compare between runs.
 */
import { stackConfig } from '@marketcache/devkit/config'
import { ensureRedis } from '@marketcache/devkit/redis'
import { type Stack, startStack } from '@marketcache/e2e/stack'
import { duplicateClient } from '@marketcache/shared/redis-client'
import { QueueEvents } from 'bullmq'
import { ADMISSION_COINS, admission } from './admission'
import { cluster } from './cluster'
import { coherence } from './coherence'
import { coldMiss } from './cold-miss'
import { hitPath } from './hit-path'
import { live, liveAlone } from './live'
import { fmt, measureGets, NO_CLIENT_LIMITS } from './measure'
import { storage } from './storage'

const PROVIDER_LATENCY_MS = 150
if (process.argv.includes('live')) {
  await liveAlone()
  process.exit(0)
}
if (process.argv.includes('cluster')) {
  await cluster(PROVIDER_LATENCY_MS)
  process.exit(0)
}
const redis = await ensureRedis(stackConfig.redisUrl)
const startBenchStack = () =>
  startStack({
    redisUrl: redis.url,
    sim: { latencyMs: PROVIDER_LATENCY_MS },
    apiEnv: { READ_WAIT_MS: '5000', ...NO_CLIENT_LIMITS },
  })
if (process.argv.includes('hit')) {
  const stack = await startBenchStack()
  try {
    await hitPath(stack, redis.url)
    await coldMiss(stack, PROVIDER_LATENCY_MS)
  } finally {
    await stack.close()
    await redis.stop()
  }
  process.exit(0)
}
const stack = await startBenchStack()

try {
  console.log(
    `marketcache bench (provider latency ${PROVIDER_LATENCY_MS} ms, Redis ${redis.url})\n`,
  )

  // 1. Read path.
  const provider = await measureGets(stack.sim, () => '/api/v3/coins/bitcoin', {
    total: 40,
    connections: 4,
  })
  await stack.get('/v1/coins/bitcoin')
  const hits = await measureGets(stack.api, () => '/v1/coins/bitcoin', {
    total: 20_000,
    connections: 16,
  })
  const sequential = await measureGets(stack.api, () => '/v1/coins/bitcoin', {
    total: 2_000,
    connections: 1,
  })
  console.log('1. read path')
  console.log(
    `   provider direct      p50 ${fmt(provider.p50Ms)} ms   p99 ${fmt(provider.p99Ms)} ms`,
  )
  console.log(
    `   HIT, 1 connection    p50 ${fmt(sequential.p50Ms, 3)} ms  p99 ${fmt(sequential.p99Ms, 3)} ms`,
  )
  console.log(
    `   HIT, 16 connections  p50 ${fmt(hits.p50Ms, 3)} ms  p99 ${fmt(hits.p99Ms, 3)} ms  ${fmt(hits.perSecond, 0)} req/s`,
  )
  console.log(
    `   ratio provider p50 / HIT p50 (1 connection): ${fmt(provider.p50Ms / sequential.p50Ms, 0)}x\n`,
  )

  await hitPath(stack, redis.url)
  await coldMiss(stack, PROVIDER_LATENCY_MS)
  await coherence(stack, redis.url)

  // 2. Stampede: 500 concurrent cold reads spread over 10 coins.
  const cold = [
    'cardano',
    'dogecoin',
    'ripple',
    'tron',
    'polkadot',
    'chainlink',
    'litecoin',
    'stellar',
    'monero',
    'uniswap',
  ]
  // Single-coin and batched calls alike: concurrent misses of different coins share /coins/markets.
  const coinCalls = async () => {
    const { byEndpoint } = await stack.simStats()
    return (byEndpoint['/coins/{id}'] ?? 0) + (byEndpoint['/coins/markets'] ?? 0)
  }
  const before = await coinCalls()
  const burst = await measureGets(stack.api, (i) => `/v1/coins/${cold[i % cold.length]}`, {
    total: 500,
    connections: 500,
  })
  const stampedeCalls = (await coinCalls()) - before
  console.log('2. stampede: 500 concurrent cold reads over 10 coins')
  console.log(
    `   provider calls ${stampedeCalls} (without a cache: 500)   ratio ${fmt(500 / stampedeCalls, 0)}x fewer`,
  )
  console.log(`   p50 ${fmt(burst.p50Ms)} ms   p99 ${fmt(burst.p99Ms)} ms\n`)

  await storage(stack)
  await live(stack, redis.url)
} finally {
  await stack.close()
}

try {
  await withCatalog()
} finally {
  await redis.stop()
}
await cluster(PROVIDER_LATENCY_MS)

/**
 * 4 and 5: a stack whose worker caches CoinGecko's catalog at start, as deployed, over a
 * simulator listing `ADMISSION_COINS` coins (the top 200 that 4 reads are, as with 300, the real
 * coins and then the largest generated ones).
 */
async function withCatalog(): Promise<void> {
  const guarded = await startStack({
    redisUrl: redis.url,
    apiReplicas: 2,
    sim: { latencyMs: PROVIDER_LATENCY_MS, coins: ADMISSION_COINS },
    workerEnv: {
      WARM_SCHEDULES: JSON.stringify([
        {
          name: 'coin-catalog',
          cron: '7 * * * *',
          atStart: true,
          request: { queue: 'coingecko', name: 'coingecko.catalog', data: {} },
        },
      ]),
    },
    // The worker's CoinGecko rate in `startStack` (1000 calls/s), so the API's admission reckons
    // its miss backlog drains as fast as the worker drains it (Retry-After of OVERLOADED). The cap
    // (COINGECKO_MISS_BACKLOG_MAX) keeps its default, 60 waiting misses; 16 connections that each
    // wait for their fill keep at most 16 waiting, so section 5 should see no 503.
    apiEnv: {
      READ_WAIT_MS: '5000',
      COINGECKO_RATE_MAX: '1000',
      COINGECKO_RATE_DURATION_MS: '1000',
      ...NO_CLIENT_LIMITS,
    },
  })
  // Jobs added to the coingecko queue, from BullMQ's `added` events: counting kept jobs would stop
  // near 1000, the completed jobs BullMQ keeps (JOB_DEFAULTS), and section 5 queues 5000.
  const eventsConnection = duplicateClient(guarded.redis, { maxRetriesPerRequest: null })
  const coingecko = new QueueEvents('coingecko', {
    connection: eventsConnection,
    prefix: guarded.queuePrefix,
  })
  let added = 0
  coingecko.on('added', () => {
    added += 1
  })
  /** Jobs added since the stack started; waits a moment for the events of the last ones. */
  const jobsCreated = async () => {
    await new Promise((resolve) => setTimeout(resolve, 200))
    return added
  }
  const coinCalls = async () => {
    const stats = await guarded.simStats()
    return (stats.byEndpoint['/coins/{id}'] ?? 0) + (stats.byEndpoint['/coins/markets'] ?? 0)
  }
  try {
    await coingecko.waitUntilReady()
    while ((await guarded.get('/v1/catalogs/coingecko-coins')).status !== 200) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    /** Deletes every coin and tokenomics entry as an operator would: cold again, catalog kept. */
    const forgetCoins = async () => {
      for (const dataset of ['coin', 'tokenomics']) {
        const answer = await guarded.post('/v1/cache/invalidate', { mode: 'delete', dataset })
        const { job } = (await answer.json()) as { job: { id: string } }
        while (
          ((await (await guarded.get(`/v1/jobs/${job.id}`)).json()) as { state: string }).state !==
          'completed'
        ) {
          await new Promise((resolve) => setTimeout(resolve, 50))
        }
      }
    }
    await savings(guarded, 'as deployed (the ranking warmed the top coins)')
    await forgetCoins()
    await savings(guarded, 'cold (every coin entry deleted, the ranking cached)')

    await forgetCoins()
    await admission(guarded, { jobsCreated, coinCalls })
  } finally {
    await coingecko.close()
    eventsConnection.disconnect()
    await guarded.close()
  }
}

/** 4. Savings: 10 000 reads over the top 200 coins, Zipf-like (a few coins are most of the reads). */
async function savings(stack: Stack, label: string): Promise<void> {
  const top = (await (
    await fetch(`${stack.sim}/api/v3/coins/markets?vs_currency=usd&per_page=200`)
  ).json()) as { id: string }[]
  await fetch(`${stack.sim}/__sim/reset`, { method: 'POST' })
  let seed = 7
  const random = () => {
    seed = (seed * 16807) % 2147483647
    return seed / 2147483647
  }
  const picks = Array.from(
    { length: 10_000 },
    () => top[Math.floor(top.length * random() ** 3)]?.id ?? 'bitcoin',
  )
  const workload = await measureGets(stack.api, (i) => `/v1/coins/${picks[i]}`, {
    total: picks.length,
    connections: 32,
  })
  const stats = await stack.simStats()
  const calls = stats.total - (stats.byEndpoint['/__sim/stats'] ?? 0)
  console.log(`4. savings: 10 000 reads over the top 200 coins (skewed), ${label}`)
  console.log(`   distinct coins read ${new Set(picks).size}, provider calls ${calls}`)
  console.log(`   ratio reads / provider calls: ${fmt(picks.length / Math.max(1, calls), 0)}x`)
  console.log(
    `   p50 ${fmt(workload.p50Ms, 3)} ms   p99 ${fmt(workload.p99Ms)} ms   ${fmt(workload.perSecond, 0)} req/s`,
  )
}
